//! Crash safety of saving: a child process saves two different projects in turn and is killed
//! (SIGKILL on Unix) at random moments; the file on disk must always be exactly one of them.
//!
//! The child is this test binary itself, re-executed to run only the ignored
//! [`child_save_loop`] (`--ignored --exact`), with [`CHILD_ENV`] naming the file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use qalam::model::{Document, Project};
use qalam::project::{self, SaveGuard};

/// Set (to the project path) in the child process only.
const CHILD_ENV: &str = "QALAM_CRASH_TEST_SAVE_LOOP";
/// Number of kills.
const ROUNDS: usize = 20;

/// Two projects of different sizes, large enough (a few hundred KB) that a kill often lands
/// in the middle of writing one.
fn projects() -> (Project, Project) {
    let paragraph = "أفادت مصادر أمنية في العاصمة العراقية بغداد بأن الحكومة أطلقت حملة كبيرة لتأمين الانتخابات.\n";
    let make = |name: &str, copies: usize, every: usize| {
        let mut p = Project::new(name, "crash-test");
        let mut d = Document::new("d", "", "", paragraph.repeat(copies));
        let words = paragraph.chars().count();
        for k in (0..copies).step_by(every) {
            let start = k * words + 6;
            let id = k as u64 + 1;
            d.spans
                .extend(d.make_span(id, "speaker", start, start + 5, ""));
        }
        p.documents.push(d.into());
        p
    };
    (make("first", 3000, 3), make("second", 2500, 2))
}

/// The child's work: save the two projects in turn until killed. Run only by
/// [`killed_saves_never_leave_a_torn_file`], never as a test of its own.
#[test]
#[ignore = "child process of killed_saves_never_leave_a_torn_file"]
fn child_save_loop() {
    let path = PathBuf::from(
        std::env::var_os(CHILD_ENV)
            .expect("run by killed_saves_never_leave_a_torn_file, which sets the file"),
    );
    let (a, b) = projects();
    for i in 0u64.. {
        let p = if i % 2 == 0 { &b } else { &a };
        project::save(&path, p, SaveGuard::Force).expect("child save");
    }
}

/// A small xorshift generator seeded from the clock: kill times differ from run to run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn spawn_child(path: &Path) -> std::process::Child {
    let exe = std::env::current_exe().expect("test binary path");
    Command::new(exe)
        .args([
            "--ignored",
            "--exact",
            "child_save_loop",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(CHILD_ENV, path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child")
}

#[test]
fn killed_saves_never_leave_a_torn_file() {
    // On the build's disk rather than a RAM-backed /tmp, so that flushing takes real time.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let path = dir.path().join("p.ron");
    let (a, b) = projects();
    let bytes_a = project::to_ron_string(&a).expect("ron a").into_bytes();
    let bytes_b = project::to_ron_string(&b).expect("ron b").into_bytes();
    assert_ne!(bytes_a.len(), bytes_b.len());
    project::save(&path, &a, SaveGuard::Force).expect("initial save");
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    let mut rng = Rng(nanos | 1);
    let (mut saw_a, mut saw_b) = (0, 0);
    for round in 0..ROUNDS {
        let before = fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime");
        let mut child = spawn_child(&path);
        // Wait until the child has replaced the file at least once, then a random while longer.
        let deadline = Instant::now() + Duration::from_secs(30);
        while fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime")
            == before
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_micros(rng.below(40_000)));
        child.kill().expect("kill");
        child.wait().expect("reap");
        let on_disk = fs::read(&path).expect("read after kill");
        if on_disk == bytes_a {
            saw_a += 1;
        } else if on_disk == bytes_b {
            saw_b += 1;
        } else {
            panic!(
                "round {round}: torn file of {} bytes (expected {} or {})",
                on_disk.len(),
                bytes_a.len(),
                bytes_b.len()
            );
        }
        project::load(&path).expect("the surviving file loads");
    }
    // Temporary files left by kills during a write show that kills did land mid-save.
    let torn_temps = fs::read_dir(dir.path())
        .expect("ls")
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_name() != "p.ron"))
        .count();
    eprintln!(
        "after {ROUNDS} kills: {saw_a} × first, {saw_b} × second, {torn_temps} kills during a write"
    );
    // Both projects were seen on disk: the child really saved (it writes b first, then a, …).
    assert_eq!(saw_a + saw_b, ROUNDS);
    assert!(saw_b > 0, "the child never completed a save");
}
