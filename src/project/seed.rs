//! The seed article, compiled into the binary, and where its project lives: `projects/seed.ron`
//! inside a Qalam checkout (so `cargo run` opens the repository's copy), otherwise in the
//! user's data folder (`$XDG_DATA_HOME/qalam/`, `~/.local/share/qalam/` on Linux), created on
//! first run. No path of the machine the binary was built on is used.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::error::ProjectError;
use super::import::{document_from_bytes, project_from_text_files};
use super::io::{SaveGuard, save};
use crate::model::Project;

/// The seed article's file name in `seeds/`.
pub const SEED_FILE: &str = "000_19e18760a7c74451.txt";
/// The seed article's text, as shipped.
pub const SEED_TEXT: &str = include_str!("../../seeds/000_19e18760a7c74451.txt");
/// The seed project's name.
pub const SEED_NAME: &str = "Seed article";

/// The seed project built from the compiled-in article: the same project as
/// `qalam new seeds/*.txt --name "Seed article"` in a checkout.
pub fn seed_project() -> Result<Project, ProjectError> {
    let source = Path::new("seeds").join(SEED_FILE);
    let id = SEED_FILE.trim_end_matches(".txt");
    let mut project = Project::new(SEED_NAME, "");
    project
        .documents
        .push(document_from_bytes(id, &source, SEED_TEXT.as_bytes())?.into());
    Ok(project)
}

/// Where the seed project was found or made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeedPlace {
    /// `projects/seed.ron` of a Qalam checkout (or of the folder given explicitly).
    Checkout(PathBuf),
    /// The user's data folder.
    DataFolder(PathBuf),
}

impl SeedPlace {
    /// The project file.
    pub fn path(&self) -> &Path {
        match self {
            SeedPlace::Checkout(p) | SeedPlace::DataFolder(p) => p,
        }
    }
}

/// The platform's folder for an application's data, from the environment `var`:
/// `$XDG_DATA_HOME`, else `$HOME/.local/share` (Linux and other Unix); `$HOME/Library/
/// Application Support` (macOS); `%APPDATA%` (Windows).
pub fn data_folder(var: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let non_empty = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if cfg!(windows) {
        return non_empty("APPDATA");
    }
    if cfg!(target_os = "macos") {
        return non_empty("HOME").map(|h| h.join("Library").join("Application Support"));
    }
    // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
    non_empty("XDG_DATA_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| non_empty("HOME").map(|h| h.join(".local").join("share")))
}

/// Whether `dir` is a Qalam source checkout: its `Cargo.toml` names the package `qalam` and it
/// has the `seeds/` folder.
pub fn is_checkout(dir: &Path) -> bool {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    dir.join("seeds").is_dir() && manifest.lines().any(|l| l.trim() == "name = \"qalam\"")
}

/// Finds or creates the seed project. With `root`, or when `cwd` is a checkout: that folder's
/// `projects/seed.ron`, made from its `seeds/*.txt` on first run. Otherwise the data folder's
/// `qalam/seed.ron`, made from the compiled-in article on first run.
pub fn locate_seed_project(
    root: Option<&Path>,
    cwd: &Path,
    var: &dyn Fn(&str) -> Option<OsString>,
) -> Result<SeedPlace, ProjectError> {
    let checkout = root
        .map(Path::to_path_buf)
        .or_else(|| is_checkout(cwd).then(|| cwd.to_path_buf()));
    if let Some(dir) = checkout {
        let target = dir.join("projects").join("seed.ron");
        if !target.exists() {
            let seeds_dir = dir.join("seeds");
            let mut seeds: Vec<PathBuf> = std::fs::read_dir(&seeds_dir)
                .map_err(|e| ProjectError::Io {
                    path: seeds_dir.clone(),
                    action: "list",
                    source: e,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect();
            seeds.sort();
            // Relative sources, as `qalam new seeds/*.txt` run in the checkout writes them.
            let project = project_from_text_files(&seeds, SEED_NAME, "")?;
            write_new(&target, project_with_relative_sources(project, &dir))?;
        }
        return Ok(SeedPlace::Checkout(target));
    }
    let folder = data_folder(var)
        .ok_or(ProjectError::NoDataFolder)?
        .join("qalam");
    let target = folder.join("seed.ron");
    if !target.exists() {
        write_new(&target, seed_project()?)?;
    }
    Ok(SeedPlace::DataFolder(target))
}

/// Document sources made relative to `base` where they lie below it.
fn project_with_relative_sources(mut project: Project, base: &Path) -> Project {
    for d in project.docs_mut() {
        if let Ok(rel) = Path::new(&d.source).strip_prefix(base) {
            d.source = rel.to_string_lossy().into_owned();
        }
    }
    project
}

/// Saves `project` as a new file at `target`, creating its folder.
fn write_new(target: &Path, project: Project) -> Result<(), ProjectError> {
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|e| ProjectError::Io {
            path: dir.to_owned(),
            action: "create",
            source: e,
        })?;
    }
    save(target, &project, SaveGuard::CreateNew)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &Path)]) -> impl Fn(&str) -> Option<OsString> {
        let pairs: Vec<(String, OsString)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.as_os_str().to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn the_compiled_in_seed_is_the_repository_seed_project() {
        let built = seed_project().expect("seed");
        let shipped =
            crate::project::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/seed.ron"))
                .expect("shipped seed")
                .project;
        assert_eq!(built, shipped);
    }

    #[test]
    #[cfg(all(unix, not(target_os = "macos")))]
    fn outside_a_checkout_the_seed_goes_to_the_data_folder() {
        let home = tempfile::tempdir().expect("home");
        let cwd = tempfile::tempdir().expect("cwd");
        let place =
            locate_seed_project(None, cwd.path(), &env(&[("HOME", home.path())])).expect("seed");
        assert_eq!(
            place,
            SeedPlace::DataFolder(home.path().join(".local/share/qalam/seed.ron"))
        );
        assert!(place.path().exists());
        assert_eq!(
            std::fs::read_dir(cwd.path()).expect("cwd").count(),
            0,
            "nothing written where it was started"
        );
        let xdg = tempfile::tempdir().expect("xdg");
        let place = locate_seed_project(
            None,
            cwd.path(),
            &env(&[("HOME", home.path()), ("XDG_DATA_HOME", xdg.path())]),
        )
        .expect("seed");
        assert_eq!(place.path(), xdg.path().join("qalam/seed.ron"));
        // A relative XDG_DATA_HOME is ignored, as the specification says.
        let rel = locate_seed_project(
            None,
            cwd.path(),
            &env(&[("HOME", home.path()), ("XDG_DATA_HOME", Path::new("rel"))]),
        )
        .expect("seed");
        assert_eq!(rel.path(), home.path().join(".local/share/qalam/seed.ron"));
        assert!(matches!(
            locate_seed_project(None, cwd.path(), &env(&[])),
            Err(ProjectError::NoDataFolder)
        ));
    }

    #[test]
    fn inside_a_checkout_the_seed_is_its_projects_folder() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(is_checkout(root));
        let place = locate_seed_project(None, root, &env(&[])).expect("seed");
        assert_eq!(place, SeedPlace::Checkout(root.join("projects/seed.ron")));
    }
}
