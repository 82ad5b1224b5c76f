//! Small file helpers shared by config and cache writes.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Write to a temporary file beside `path` (synced), then rename over it (and sync the directory):
/// readers see the old or the new file, never half, and two writers never tear one file. A symlinked file is written where the link points (a dotfiles checkout stays the
/// real file), and the file keeps its permissions.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write(path, bytes, None, &mut |_| Ok(true)).map(|_| ())
}

/// `write_atomic` for secrets: readable by the owner only, from the first byte.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write(path, bytes, Some(0o600), &mut |_| Ok(true)).map(|_| ())
}

/// `write_atomic`, but only if `unchanged` still says yes once the new file is ready, just before
/// it replaces the old one (it is given the path that will be replaced). `Ok(false)`: it said no,
/// and nothing was written.
pub fn write_atomic_if(
    path: &Path,
    bytes: &[u8],
    unchanged: &mut dyn FnMut(&Path) -> std::io::Result<bool>,
) -> std::io::Result<bool> {
    write(path, bytes, None, unchanged)
}

fn target(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn write(
    path: &Path,
    bytes: &[u8],
    mode: Option<u32>,
    unchanged: &mut dyn FnMut(&Path) -> std::io::Result<bool>,
) -> std::io::Result<bool> {
    let path = target(path);
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let existing = std::fs::metadata(&path).ok().map(|m| m.permissions());
    // A name nobody else is using: two writers never share (and clobber) one temporary file.
    let tmp = dir.join(format!(".{name}.tmp{}.{:08x}", std::process::id(), fastrand::u32(..)));
    let result = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            let m = mode.or_else(|| existing.as_ref().map(|p| p.mode() & 0o777)).unwrap_or(0o644);
            opts.mode(m);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if let (None, Some(p)) = (mode, &existing) {
            // The umask may have narrowed the mode asked for at creation.
            std::fs::set_permissions(&tmp, p.clone())?;
        }
        if !unchanged(&path)? {
            return Ok(false);
        }
        std::fs::rename(&tmp, &path)?;
        // The rename itself is only durable once the directory is: a crash now must not lose it.
        #[cfg(unix)]
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(true)
    })();
    if !matches!(result, Ok(true)) {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
    }

    #[cfg(unix)]
    #[test]
    fn follows_symlinks_and_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles-config.toml");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("secret.json");
        write_private(&p, b"{}").unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
