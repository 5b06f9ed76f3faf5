//! Loading and atomic saving of project files, the changed-on-disk check, and recovery files.
//!
//! Saving never leaves a torn file: the bytes go to a temporary file in the target's folder,
//! which is flushed to disk and renamed over the target (an atomic replace on the same file
//! system), and the folder is flushed so the rename itself survives a power cut.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use super::error::ProjectError;
use super::format::{MAX_FILE_BYTES, parse, to_ron_string};
use super::validate::{Problem, Severity, validate};
use crate::model::Project;

/// What a project file looked like on disk when it was loaded or saved, to notice later
/// whether another program changed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskStamp {
    len: u64,
    modified: Option<SystemTime>,
    sha256: [u8; 32],
}

impl DiskStamp {
    /// The stamp of `bytes` as found in a file whose modification time is `modified`.
    pub fn new(bytes: &[u8], modified: Option<SystemTime>) -> Self {
        DiskStamp {
            len: bytes.len() as u64,
            modified,
            sha256: Sha256::digest(bytes).into(),
        }
    }

    /// Whether the file at `path` still has the content this stamp was taken of. A missing
    /// file counts as unchanged: there is nothing on disk that saving could lose.
    ///
    /// Length decides when it differs; equal length and modification time mean unchanged;
    /// otherwise (touched, or same size with a new time) the content's hash decides.
    pub fn matches_disk(&self, path: &Path) -> Result<bool, ProjectError> {
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
            Err(e) => return Err(ProjectError::io(path, "inspect", e)),
        };
        if meta.len() != self.len {
            return Ok(false);
        }
        if self.modified.is_some() && meta.modified().ok() == self.modified {
            return Ok(true);
        }
        let (bytes, _) = read_limited(path)?;
        Ok(<[u8; 32]>::from(Sha256::digest(&bytes)) == self.sha256)
    }
}

/// How [`save`] treats a file that already exists at the target path.
#[derive(Clone, Copy, Debug)]
pub enum SaveGuard<'a> {
    /// Overwrite only if the file is as it was when this stamp was taken (at load or the last
    /// save); otherwise refuse with [`ProjectError::ChangedOnDisk`].
    Unchanged(&'a DiskStamp),
    /// The target must not exist (new project, "save as" without confirmation).
    CreateNew,
    /// Overwrite whatever is there.
    Force,
}

/// A project read from disk.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The project (already migrated to the current format version).
    pub project: Project,
    /// The file's stamp, for the next [`save`].
    pub stamp: DiskStamp,
    /// Warnings found by validation (errors make [`load`] fail instead).
    pub problems: Vec<Problem>,
}

/// Reads a file whole, refusing files over [`MAX_FILE_BYTES`]. Returns the bytes and the
/// modification time taken from the same open file.
pub(crate) fn read_limited(path: &Path) -> Result<(Vec<u8>, Option<SystemTime>), ProjectError> {
    let mut file = File::open(path).map_err(|e| ProjectError::io(path, "open", e))?;
    let meta = file
        .metadata()
        .map_err(|e| ProjectError::io(path, "inspect", e))?;
    if meta.is_dir() {
        let e = std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a folder, not a file",
        );
        return Err(ProjectError::io(path, "read", e));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ProjectError::TooLarge {
            path: path.to_owned(),
            len: meta.len(),
            max: MAX_FILE_BYTES,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // `take` guards against a file that grows while it is read.
    (&mut file)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ProjectError::io(path, "read", e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ProjectError::TooLarge {
            path: path.to_owned(),
            len: bytes.len() as u64,
            max: MAX_FILE_BYTES,
        });
    }
    Ok((bytes, meta.modified().ok()))
}

/// Reads and parses (migrating older versions) a project file without validating it.
pub fn load_unvalidated(path: &Path) -> Result<(Project, DiskStamp), ProjectError> {
    let (bytes, modified) = read_limited(path)?;
    let project = parse(&bytes, path)?;
    Ok((project, DiskStamp::new(&bytes, modified)))
}

/// Loads and validates a project file. Validation errors fail with
/// [`ProjectError::Invalid`]; warnings are returned in [`Loaded::problems`].
pub fn load(path: &Path) -> Result<Loaded, ProjectError> {
    let (project, stamp) = load_unvalidated(path)?;
    let problems = validate(&project);
    if problems.iter().any(|p| p.severity == Severity::Error) {
        return Err(ProjectError::Invalid {
            path: path.to_owned(),
            problems,
        });
    }
    Ok(Loaded {
        project,
        stamp,
        problems,
    })
}

/// Saves `project` to `path` atomically, as guarded by `guard`, and returns the new stamp.
pub fn save(
    path: &Path,
    project: &Project,
    guard: SaveGuard<'_>,
) -> Result<DiskStamp, ProjectError> {
    write_guarded(path, &to_ron_string(project)?, guard)
}

/// Writes already serialized `text` to `path` atomically, as `guard` allows (the rules of
/// [`save`], shared by every file Qalam writes: projects, review and adjudication files);
/// returns the new stamp.
pub fn write_guarded(
    path: &Path,
    text: &str,
    guard: SaveGuard<'_>,
) -> Result<DiskStamp, ProjectError> {
    match guard {
        SaveGuard::Force => {}
        SaveGuard::CreateNew => {
            if path.symlink_metadata().is_ok() {
                return Err(ProjectError::AlreadyExists {
                    path: path.to_owned(),
                });
            }
        }
        SaveGuard::Unchanged(stamp) => {
            if !stamp.matches_disk(path)? {
                return Err(ProjectError::ChangedOnDisk {
                    path: path.to_owned(),
                });
            }
        }
    }
    let modified = write_atomic(path, text.as_bytes())?;
    Ok(DiskStamp::new(text.as_bytes(), modified))
}

/// The folder holding `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A file name in `dir` that no other writer (thread or process) picks at the same time.
fn temp_path(dir: &Path, target: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut name = OsString::from(".");
    name.push(target.file_name().unwrap_or_default());
    name.push(format!(".tmp-{}-{n}", std::process::id()));
    dir.join(name)
}

/// Writes `bytes` to `path` via a flushed temporary file and a rename; returns the new file's
/// modification time. On failure the target is untouched and the temporary file removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<Option<SystemTime>, ProjectError> {
    let target = follow_symlink(path);
    let path = target.as_path();
    let dir = parent_dir(path);
    let tmp = temp_path(dir, path);
    let result = write_and_rename(path, &tmp, bytes);
    if result.is_err() {
        // Best effort: the error being reported is the write's, not the cleanup's.
        let _ = fs::remove_file(&tmp);
    }
    let modified = result?;
    sync_dir(dir)?;
    remove_stale_temps(dir, path);
    Ok(modified)
}

/// Removes temporary files that earlier saves of `path` left behind when their process was
/// killed mid-write (`.NAME.tmp-PID-N` whose process is gone). Best effort: a file that cannot
/// be removed stays for the next save, and the save that just succeeded is not failed for it.
/// Returns how many were removed.
pub fn remove_stale_temps(dir: &Path, path: &Path) -> usize {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return 0;
    };
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        let Some((pid, n)) = rest.split_once('-') else {
            continue;
        };
        let (Ok(pid), true) = (pid.parse::<u32>(), n.bytes().all(|b| b.is_ascii_digit())) else {
            continue;
        };
        if !n.is_empty() && process_is_gone(pid, &entry) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Whether the process that made temporary file `entry` has ended. This process's own files
/// may be saves in progress on another thread and are never taken for stale.
fn process_is_gone(pid: u32, entry: &fs::DirEntry) -> bool {
    if pid == std::process::id() {
        return false;
    }
    if cfg!(target_os = "linux") {
        return !Path::new("/proc").join(pid.to_string()).exists();
    }
    // Elsewhere there is no process table to look at without unsafe code: a temporary file
    // untouched for a day belongs to no save still running.
    entry
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > std::time::Duration::from_secs(24 * 3600))
}

/// The file a symbolic link points to, so that saving replaces that file rather than the
/// link; other paths (and broken links) are returned as they are.
fn follow_symlink(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
        }
        _ => path.to_owned(),
    }
}

fn write_and_rename(
    path: &Path,
    tmp: &Path,
    bytes: &[u8],
) -> Result<Option<SystemTime>, ProjectError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(|e| ProjectError::io(tmp, "create the temporary file", e))?;
    // Keep the permissions of the file being replaced (e.g. group-writable shared projects).
    if let Ok(meta) = fs::metadata(path) {
        file.set_permissions(meta.permissions())
            .map_err(|e| ProjectError::io(tmp, "set permissions of", e))?;
    }
    file.write_all(bytes)
        .map_err(|e| ProjectError::io(tmp, "write", e))?;
    file.sync_all()
        .map_err(|e| ProjectError::io(tmp, "flush to disk", e))?;
    let modified = file.metadata().ok().and_then(|m| m.modified().ok());
    drop(file);
    fs::rename(tmp, path)
        .map_err(|e| ProjectError::io(path, "replace (rename the temporary file over)", e))?;
    Ok(modified)
}

/// Flushes a folder's entries, so that a rename in it is durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), ProjectError> {
    let d = File::open(dir).map_err(|e| ProjectError::io(dir, "open the folder", e))?;
    d.sync_all()
        .map_err(|e| ProjectError::io(dir, "flush the folder", e))
}

/// Windows makes renames durable without flushing the folder (and cannot open one as a file).
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), ProjectError> {
    Ok(())
}

/// Where unsaved work on `path` is kept between autosaves: `.NAME.recovery` beside it.
pub fn recovery_path(path: &Path) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(".recovery");
    parent_dir(path).join(name)
}

/// Writes `project` to the recovery file of `path`, atomically, whatever is there.
pub fn write_recovery(path: &Path, project: &Project) -> Result<PathBuf, ProjectError> {
    let recovery = recovery_path(path);
    let text = to_ron_string(project)?;
    write_atomic(&recovery, text.as_bytes())?;
    Ok(recovery)
}

/// The recovery file of `path`, if it exists and was written after `path` was last modified
/// (or `path` does not exist), i.e. if it may hold work that was never saved.
pub fn recovery_newer_than(path: &Path) -> Option<PathBuf> {
    let recovery = recovery_path(path);
    let rec_time = fs::metadata(&recovery).ok()?.modified().ok()?;
    match fs::metadata(path).and_then(|m| m.modified()) {
        Ok(project_time) if project_time >= rec_time => None,
        _ => Some(recovery),
    }
}

/// Deletes the recovery file of `path`; a missing one is not an error.
pub fn remove_recovery(path: &Path) -> Result<(), ProjectError> {
    let recovery = recovery_path(path);
    match fs::remove_file(&recovery) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(ProjectError::io(recovery, "delete", e))
        }
        _ => Ok(()),
    }
}
