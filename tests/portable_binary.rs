//! A copied binary runs anywhere: started in an empty folder with a fresh home, it keeps the
//! seed project under that home (made from the compiled-in article), writes nothing else, and
//! holds no path of the checkout it was built in.

use std::path::Path;
use std::process::Command;

#[test]
fn a_copied_binary_keeps_the_seed_project_under_home_and_knows_no_build_path() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (bin, home, work) = (
        tmp.path().join("bin"),
        tmp.path().join("home"),
        tmp.path().join("work"),
    );
    for d in [&bin, &home, &work] {
        std::fs::create_dir(d).expect("mkdir");
    }
    let exe = bin.join("qalam");
    std::fs::copy(env!("CARGO_BIN_EXE_qalam"), &exe).expect("copy the binary");
    let run = || {
        Command::new(&exe)
            .arg("where")
            .current_dir(&work)
            .env_clear()
            .env("HOME", &home)
            .output()
            .expect("run the copied binary")
    };
    let out = run();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let expected = if cfg!(target_os = "macos") {
        home.join("Library/Application Support/qalam/seed.ron")
    } else {
        home.join(".local/share/qalam/seed.ron")
    };
    assert_eq!(Path::new(&printed), expected);
    let loaded = qalam::project::load(&expected).expect("a valid project");
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(
        loaded.project.documents[0].text(),
        qalam::project::seed::SEED_TEXT
    );
    assert_eq!(
        std::fs::read_dir(&work).expect("work").count(),
        0,
        "nothing written where it was started"
    );
    // The second run finds the same file and leaves it as it is.
    let before = std::fs::read(&expected).expect("read");
    assert!(run().status.success());
    assert_eq!(std::fs::read(&expected).expect("read"), before);
    // No path of the checkout is compiled in (the old fallback looked for seeds there). Debug
    // information, which test builds carry, names the folder it was compiled in; it is never
    // read by the program, so only the sections that are loaded count.
    let bytes = std::fs::read(&exe).expect("binary");
    let checkout = env!("CARGO_MANIFEST_DIR").as_bytes();
    for (name, data) in loaded_sections(&bytes) {
        assert!(
            !data.windows(checkout.len()).any(|w| w == checkout),
            "section {name} holds {}",
            env!("CARGO_MANIFEST_DIR")
        );
    }
}

/// The sections of a 64-bit little-endian ELF file other than debug information (the whole
/// file as one section for other formats).
fn loaded_sections(elf: &[u8]) -> Vec<(String, &[u8])> {
    let is_elf64 = elf.len() > 64 && &elf[..4] == b"\x7fELF" && elf[4] == 2 && elf[5] == 1;
    if !is_elf64 {
        return vec![("whole file".to_owned(), elf)];
    }
    let u16_at = |o: usize| u16::from_le_bytes([elf[o], elf[o + 1]]) as usize;
    let u32_at = |o: usize| u32::from_le_bytes(elf[o..o + 4].try_into().expect("4 bytes")) as usize;
    let u64_at = |o: usize| u64::from_le_bytes(elf[o..o + 8].try_into().expect("8 bytes")) as usize;
    let (table, entry, count, names) = (u64_at(0x28), u16_at(0x3A), u16_at(0x3C), u16_at(0x3E));
    let header = |i: usize| table + i * entry;
    let strings = u64_at(header(names) + 0x18);
    let name_of = |i: usize| {
        let start = strings + u32_at(header(i));
        let end = elf[start..]
            .iter()
            .position(|b| *b == 0)
            .map_or(elf.len(), |n| start + n);
        String::from_utf8_lossy(&elf[start..end]).into_owned()
    };
    (0..count)
        .filter_map(|i| {
            let h = header(i);
            let (kind, offset, size) = (u32_at(h + 4), u64_at(h + 0x18), u64_at(h + 0x20));
            let name = name_of(i);
            // SHT_NOBITS (8) sections take no bytes in the file.
            (kind != 8 && !name.starts_with(".debug")).then(|| (name, &elf[offset..offset + size]))
        })
        .collect()
}
