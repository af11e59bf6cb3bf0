//! The built SPA, read into memory once at start: requests never touch the
//! file system, so no path can escape the folder, and a missing build fails
//! the start instead of the first page view.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use actix_web::web::Bytes;

/// The most the server loads: far above a console build, and a guard against
/// pointing `CONSOLE_DIST` at the wrong folder.
const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error(
        "{dist}: no index.html; build the console first (scripts/console.sh build) or set CONSOLE_DIST"
    )]
    NoIndex { dist: PathBuf },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{dist} holds more than {MAX_TOTAL_BYTES} bytes; is CONSOLE_DIST the console's build?")]
    TooLarge { dist: PathBuf },
}

#[derive(Debug, Clone)]
pub struct File {
    pub body: Bytes,
    pub content_type: &'static str,
    /// Vite names the files under `assets/` by their content's hash: they never change.
    pub immutable: bool,
}

#[derive(Debug, Clone)]
pub struct Site {
    files: HashMap<String, File>,
}

impl Site {
    pub fn load(dist: &Path) -> Result<Self, SiteError> {
        if !dist.join("index.html").is_file() {
            return Err(SiteError::NoIndex {
                dist: dist.to_owned(),
            });
        }
        let mut files = HashMap::new();
        let mut total = 0;
        load_dir(dist, dist, &mut files, &mut total)?;
        Ok(Self { files })
    }

    /// The file at the URL path `path` (`/assets/index-1a2b.js`).
    pub fn file(&self, path: &str) -> Option<&File> {
        self.files.get(path)
    }

    pub fn index(&self) -> &File {
        // `load` refused a folder without it.
        &self.files["/index.html"]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

fn load_dir(
    root: &Path,
    dir: &Path,
    files: &mut HashMap<String, File>,
    total: &mut u64,
) -> Result<(), SiteError> {
    let read_error = |path: &Path| {
        let path = path.to_owned();
        move |source| SiteError::Read { path, source }
    };
    for entry in std::fs::read_dir(dir).map_err(read_error(dir))? {
        let entry = entry.map_err(read_error(dir))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(read_error(&path))?;
        if kind.is_dir() {
            load_dir(root, &path, files, total)?;
            continue;
        }
        if !kind.is_file() {
            continue; // symlinks and the like are not part of a build
        }
        let body = std::fs::read(&path).map_err(read_error(&path))?;
        *total += body.len() as u64;
        if *total > MAX_TOTAL_BYTES {
            return Err(SiteError::TooLarge {
                dist: root.to_owned(),
            });
        }
        let Some(url_path) = url_path(root, &path) else {
            continue; // a name that is not UTF-8 cannot be requested anyway
        };
        let immutable = url_path.starts_with("/assets/");
        files.insert(
            url_path,
            File {
                body: Bytes::from(body),
                content_type: content_type(&path),
                immutable,
            },
        );
    }
    Ok(())
}

fn url_path(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let mut url = String::new();
    for part in relative.components() {
        url.push('/');
        url.push_str(part.as_os_str().to_str()?);
    }
    Some(url)
}

/// The types a Vite build produces; anything else is served as bytes.
fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|ext| ext.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("webp") => "image/webp",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        Some("webmanifest") => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_index_html_is_refused() {
        let dir = std::env::temp_dir().join(format!("console-site-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(matches!(Site::load(&dir), Err(SiteError::NoIndex { .. })));
        std::fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("assets/app-1a2b.js"), "export {}").unwrap();
        let site = Site::load(&dir).unwrap();
        let script = site.file("/assets/app-1a2b.js").unwrap();
        assert!(script.immutable);
        assert_eq!(script.content_type, "text/javascript; charset=utf-8");
        assert!(!site.index().immutable);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
