//! Outputs besides pages: `sitemap.xml`, `robots.txt`, alias redirects and
//! the static files of the theme and the site.

use crate::diagnostic::Diagnostic;
use crate::escape::escape;
use crate::site::Site;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

fn absolute(site: &Site, url: &str) -> String {
    let rest = url.strip_prefix(site.config.base_path()).unwrap_or(url);
    format!("{}{rest}", site.config.base_url)
}

/// `sitemap.xml`: every page, sorted by address, with its last change.
pub fn sitemap(site: &Site) -> String {
    let mut entries: Vec<(String, Option<String>)> = site
        .pages
        .iter()
        .map(|p| {
            let m = &p.src.meta;
            (
                absolute(site, &p.url),
                m.updated.or(m.date).map(|d| d.to_string()),
            )
        })
        .collect();
    entries.sort();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (loc, lastmod) in entries {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&escape(&loc));
        xml.push_str("</loc>\n");
        if let Some(d) = lastmod {
            xml.push_str("    <lastmod>");
            xml.push_str(&d);
            xml.push_str("</lastmod>\n");
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `robots.txt`: everything may be indexed; the sitemap is announced.
pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        site.config.base_url
    )
}

/// A redirect page for an alias: works without JavaScript (meta refresh),
/// tells search engines the canonical address, and offers a link.
pub fn alias_page(site: &Site, target_url: &str) -> String {
    let abs = escape(&absolute(site, target_url));
    let url = escape(target_url);
    format!(
        "<!DOCTYPE html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n<title>Pagina spostata</title>\n<link rel=\"canonical\" href=\"{abs}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n<p>Questa pagina è stata spostata: <a href=\"{url}\">vai al nuovo indirizzo</a>.</p>\n</body>\n</html>\n"
    )
}

/// A static file to copy: its source and its path in the output.
#[derive(Debug, Clone)]
pub struct StaticFile {
    pub from: PathBuf,
    pub to: String,
    /// Path shown to staff, relative to the site root.
    pub shown: PathBuf,
}

/// Lists files in the theme's `static/` and then the site's `static/`; a
/// site file replaces a theme file with the same path.
pub fn static_files(root: &Path, theme: Option<&str>) -> Result<Vec<StaticFile>, Diagnostic> {
    let mut dirs = Vec::new();
    if let Some(t) = theme {
        dirs.push(root.join("themes").join(t).join("static"));
    }
    dirs.push(root.join("static"));
    let mut files: std::collections::BTreeMap<String, StaticFile> = Default::default();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        for entry in WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                Diagnostic::file(
                    dir.strip_prefix(root).unwrap_or(dir),
                    format!("cannot read: {e}"),
                )
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let to = entry
                .path()
                .strip_prefix(dir)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            let shown = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_path_buf();
            files.insert(
                to.clone(),
                StaticFile {
                    from: entry.path().to_path_buf(),
                    to,
                    shown,
                },
            );
        }
    }
    Ok(files.into_values().collect())
}
