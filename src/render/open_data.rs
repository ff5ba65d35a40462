//! Open data: the pages of the sections that opt in (`open_data:` in
//! `site.yaml`) as datasets under `/dati/`, one row per page and one column
//! per field of the section's schema: `{section}.csv` (UTF-8, with a
//! header) and `{section}.json` (the same fields, typed: numbers as
//! numbers, dates ISO 8601), plus a DCAT-AP_IT catalogue in JSON-LD
//! (`catalogo.jsonld`) for the national portal. A reference to a page of
//! another section is written as that page's code (its section's `code:`
//! field, else its slug). Templates list the datasets with the
//! `open_data()` function (the theme's page `/dati/`).

use crate::resolve::site::{PageId, Site};
use crate::schema::config::FieldSpec;
use crate::schema::value::FieldValue;
use crate::text::date::Date;
use serde::Serialize;
use serde_json::{json, Map, Value as Json};

/// Where the datasets are written, under the site's base path.
use crate::resolve::outputs::OPEN_DATA_DIR as DIR;

/// The licence of every dataset.
pub const LICENCE: &str = "CC BY 4.0";
/// The licence's address.
pub const LICENCE_URL: &str = "https://creativecommons.org/licenses/by/4.0/";

/// One column of a dataset.
#[derive(Clone, Debug, Serialize)]
pub struct Column {
    /// Its name, in the CSV header and as the JSON key.
    pub name: String,
    /// Its type, in Italian, for the page that describes it.
    pub kind: &'static str,
    /// What it holds (the schema's `description`, for the fields).
    pub description: Option<String>,
}

/// One value of a row.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Decimal(f64),
    Bool(bool),
    Date(Date),
    /// Codes of the pages a reference names.
    Codes(Vec<String>),
}

/// A section published as open data.
#[derive(Clone, Debug, Serialize)]
pub struct Dataset {
    /// The section's key, also the files' name (`comuni`).
    pub key: String,
    /// The section page's title.
    pub title: String,
    /// The section page's description.
    pub description: Option<String>,
    /// The newest change among the section's pages (`YYYY-MM-DD`).
    pub updated: Option<String>,
    /// The columns, in order.
    pub columns: Vec<Column>,
    /// How many rows (pages).
    pub rows_count: usize,
    /// Site-relative address of the CSV file.
    pub csv_url: String,
    /// Site-relative address of the JSON file.
    pub json_url: String,
    /// EU data theme (`SOCI`, `REGI`): for the catalogue.
    pub theme: String,
    #[serde(skip)]
    rows: Vec<Vec<Cell>>,
}

/// The datasets of `site`, in the order of their sections' keys.
pub fn datasets(site: &Site) -> Vec<Dataset> {
    crate::resolve::outputs::open_data_sections(site)
        .filter_map(|(key, open)| {
            let cfg = site.config.sections.get(key)?;
            let section = site.sections.get(key)?;
            let fields: Vec<(&String, &FieldSpec)> = cfg
                .fields
                .iter()
                .flatten()
                .filter(|(name, spec)| {
                    !open.leave_out.contains(name)
                        && open.code.as_ref() != Some(*name)
                        && spec.ty.value != "form"
                })
                .collect();
            // Without a code field, pages are named by the last part of
            // their address: a "codice" to a citizen, not a "slug".
            let code_name = open.code.clone().unwrap_or_else(|| "codice".into());
            let code_description = open
                .code
                .as_ref()
                .and_then(|c| cfg.fields.as_ref()?.get(c)?.description.clone())
                .or_else(|| {
                    Some("Codice della pagina: l’ultima parte del suo indirizzo nel sito".into())
                });
            let mut columns = vec![
                Column {
                    name: code_name,
                    kind: "testo",
                    description: code_description,
                },
                Column {
                    name: "titolo".into(),
                    kind: "testo",
                    description: Some("Titolo della pagina".into()),
                },
                Column {
                    name: "pagina".into(),
                    kind: "indirizzo web",
                    description: Some("Indirizzo della pagina nel sito".into()),
                },
            ];
            columns.extend(fields.iter().map(|(name, spec)| Column {
                name: (*name).clone(),
                kind: kind(spec),
                description: spec.description.clone(),
            }));
            let rows = section
                .pages
                .iter()
                .map(|&id| {
                    let page = &site.pages[id];
                    let mut row = vec![
                        Cell::Text(code(site, id)),
                        Cell::Text(page.src.meta.title.clone()),
                        Cell::Text(site.config.permalink(&page.url)),
                    ];
                    row.extend(fields.iter().map(|(name, spec)| {
                        match page.refs.get(*name) {
                            // One reference is one code; a list, a list.
                            Some(ids) if spec.ty.value == "reference" => ids
                                .first()
                                .map_or(Cell::Empty, |&i| Cell::Text(code(site, i))),
                            Some(ids) => Cell::Codes(ids.iter().map(|&i| code(site, i)).collect()),
                            None => page.src.extra.get(*name).map_or(Cell::Empty, cell),
                        }
                    }));
                    row
                })
                .collect::<Vec<_>>();
            let index = section.index.map(|i| &site.pages[i]);
            let updated = section
                .pages
                .iter()
                .filter_map(|&i| site.pages[i].src.last_modified())
                .max()
                .map(|d| d.day().to_string());
            let url = |ext: &str| format!("{}{DIR}/{key}.{ext}", site.config.base_path());
            Some(Dataset {
                key: key.clone(),
                title: index.map_or_else(|| key.clone(), |p| p.src.meta.title.clone()),
                description: index.and_then(|p| p.src.meta.description.clone()),
                updated,
                columns,
                rows_count: rows.len(),
                csv_url: url("csv"),
                json_url: url("json"),
                theme: open.theme.clone().unwrap_or_else(|| "SOCI".into()),
                rows,
            })
        })
        .collect()
}

/// How a page is named in open data: its section's `code:` field, else
/// its slug (the last part of its address).
fn code(site: &Site, id: PageId) -> String {
    let page = &site.pages[id];
    let field = site
        .config
        .sections
        .get(&page.src.section)
        .and_then(|c| c.open_data.as_ref()?.code.as_ref());
    if let Some(text) = field.and_then(|f| page.src.extra.get(f)?.as_text()) {
        return text;
    }
    page.url
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn kind(spec: &FieldSpec) -> &'static str {
    match spec.ty.value.as_str() {
        "integer" => "numero intero",
        "decimal" => "numero decimale",
        "date" => "data (AAAA-MM-GG)",
        "bool" => "vero o falso",
        "url" => "indirizzo web",
        "reference" => "codice",
        "list" if spec.of.as_ref().is_some_and(|o| o.value == "reference") => "elenco di codici",
        "list" => "elenco",
        _ => "testo",
    }
}

fn cell(value: &FieldValue) -> Cell {
    match value {
        FieldValue::Null | FieldValue::Map(_) | FieldValue::Form(_) => Cell::Empty,
        FieldValue::Bool(b) => Cell::Bool(*b),
        FieldValue::Int(i) => Cell::Int(*i),
        FieldValue::Decimal(f) => Cell::Decimal(*f),
        FieldValue::Text(s) => Cell::Text(s.clone()),
        FieldValue::Date(d) => Cell::Date(*d),
        FieldValue::List(items) => {
            Cell::Codes(items.iter().filter_map(FieldValue::as_text).collect())
        }
    }
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Decimal(f) => decimal(*f).to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Date(d) => d.to_string(),
            // One cell, codes apart: `;` never appears in a code.
            Cell::Codes(codes) => codes.join(";"),
        }
    }

    fn json(&self) -> Json {
        match self {
            Cell::Empty => Json::Null,
            Cell::Text(s) => Json::String(s.clone()),
            Cell::Int(i) => json!(i),
            Cell::Decimal(f) => decimal(*f),
            Cell::Bool(b) => Json::Bool(*b),
            Cell::Date(d) => Json::String(d.to_string()),
            Cell::Codes(codes) => json!(codes),
        }
    }
}

/// A decimal as JSON writes it (`197769.0`, `44.00998`); not a number
/// (impossible from a checked schema) is written as nothing.
fn decimal(f: f64) -> Json {
    serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)
}

impl Dataset {
    /// The CSV file: UTF-8, comma-separated, a header row.
    pub fn csv(&self) -> Result<Vec<u8>, OpenDataError> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(self.columns.iter().map(|c| c.name.as_str()))?;
        for row in &self.rows {
            out.write_record(row.iter().map(Cell::text))?;
        }
        out.into_inner()
            .map_err(|e| OpenDataError::Csv(e.into_error().into()))
    }

    /// The JSON file: an array of objects with the CSV's columns, typed.
    pub fn json(&self) -> Result<Vec<u8>, OpenDataError> {
        let rows: Vec<Json> = self
            .rows
            .iter()
            .map(|row| {
                let record: Map<String, Json> = self
                    .columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.name.clone(), v.json()))
                    .collect();
                Json::Object(record)
            })
            .collect();
        let mut text = serde_json::to_vec_pretty(&rows)?;
        text.push(b'\n');
        Ok(text)
    }
}

/// Why an open-data file could not be made.
#[derive(Debug, thiserror::Error)]
pub enum OpenDataError {
    /// Writing a CSV file failed.
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    /// Writing a JSON or JSON-LD file failed.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// The DCAT-AP_IT catalogue of `datasets` (JSON-LD), as the national
/// portal (dati.gov.it) harvests it: publisher and rights holder are the
/// body in `config.extra.ente`, every distribution under CC BY 4.0.
pub fn catalogue(site: &Site, datasets: &[Dataset]) -> Result<Vec<u8>, OpenDataError> {
    let cfg = &site.config;
    let text = |key: &str| match &cfg.extra {
        FieldValue::Map(m) => m.get(key).and_then(FieldValue::as_text),
        _ => None,
    };
    let ente = text("ente").unwrap_or_else(|| cfg.title.clone());
    let agent = json!({
        "@type": ["foaf:Agent", "dcatapit:Agent"],
        "foaf:name": ente,
    });
    let page = cfg.permalink(&format!("{}{DIR}/", cfg.base_path()));
    let licence = json!({
        "@id": LICENCE_URL,
        "@type": ["dct:LicenseDocument", "dcatapit:LicenseDocument"],
        "dct:type": { "@id": "http://purl.org/adms/licencetype/Attribution" },
        "foaf:name": LICENCE,
    });
    let date = |d: &Option<String>| {
        d.as_ref()
            .map(|d| json!({ "@value": d, "@type": "xsd:date" }))
    };
    let items: Vec<Json> = datasets
        .iter()
        .map(|d| {
            let distribution = |url: &str, format: &str, title: &str| {
                json!({
                    "@id": cfg.permalink(url),
                    "@type": ["dcat:Distribution", "dcatapit:Distribution"],
                    "dct:title": format!("{} ({title})", d.title),
                    "dcat:accessURL": { "@id": page },
                    "dcat:downloadURL": { "@id": cfg.permalink(url) },
                    "dct:format": { "@id": format!("http://publications.europa.eu/resource/authority/file-type/{format}") },
                    "dct:license": licence,
                })
            };
            json!({
                "@id": format!("{page}#{}", d.key),
                "@type": ["dcat:Dataset", "dcatapit:Dataset"],
                "dct:identifier": format!("{page}#{}", d.key),
                "dct:title": d.title,
                "dct:description": d.description.clone().unwrap_or_else(|| d.title.clone()),
                "dct:modified": date(&d.updated),
                "dct:language": { "@id": "http://publications.europa.eu/resource/authority/language/ITA" },
                "dcat:theme": { "@id": format!("http://publications.europa.eu/resource/authority/data-theme/{}", d.theme) },
                "dct:accrualPeriodicity": { "@id": "http://publications.europa.eu/resource/authority/frequency/IRREG" },
                "dct:publisher": agent,
                "dct:rightsHolder": agent,
                "dcat:landingPage": { "@id": page },
                "dcat:distribution": [
                    distribution(&d.csv_url, "CSV", "CSV"),
                    distribution(&d.json_url, "JSON", "JSON"),
                ],
            })
        })
        .collect();
    let modified = datasets.iter().filter_map(|d| d.updated.clone()).max();
    let doc = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "dcatapit": "http://dati.gov.it/onto/dcatapit#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": cfg.permalink(&format!("{}{DIR}/catalogo.jsonld", cfg.base_path())),
        "@type": ["dcat:Catalog", "dcatapit:Catalog"],
        "dct:title": format!("Dati aperti – {}", cfg.title),
        "dct:description": cfg.description.clone().unwrap_or_else(|| cfg.title.clone()),
        "dct:language": { "@id": "http://publications.europa.eu/resource/authority/language/ITA" },
        "dct:publisher": agent,
        "dct:modified": date(&modified),
        "foaf:homepage": { "@id": cfg.base_url },
        "dcat:dataset": items,
    });
    let mut out = serde_json::to_vec_pretty(&doc)?;
    out.push(b'\n');
    Ok(out)
}

/// Checks the `open_data:` settings of `site.yaml`: `code` and
/// `leave_out` must name fields of the section's schema.
pub fn check(
    sections: &std::collections::BTreeMap<String, crate::schema::config::SectionConfig>,
) -> Vec<crate::Diagnostic> {
    let mut diags = Vec::new();
    for (key, cfg) in sections {
        let Some(open) = cfg.open_data.as_ref().filter(|o| o.enabled) else {
            continue;
        };
        let names: Vec<&str> = cfg
            .fields
            .iter()
            .flatten()
            .map(|(n, _)| n.as_str())
            .collect();
        for (setting, name) in open
            .code
            .iter()
            .map(|c| ("code", c))
            .chain(open.leave_out.iter().map(|n| ("leave_out", n)))
        {
            if !names.contains(&name.as_str()) {
                diags.push(crate::Diagnostic::file(
                    "site.yaml",
                    crate::msg!(
                        OPEN_DATA_UNKNOWN_FIELD,
                        section = key,
                        setting = setting,
                        name = name,
                        hint = crate::report::diagnostic::hint(name, names.iter().copied())
                    ),
                ));
            }
        }
    }
    diags
}

/// Every open-data file with its output path (`dati/comuni.csv`), or why
/// one could not be made.
pub fn files(site: &Site) -> Result<Vec<(String, Vec<u8>)>, OpenDataError> {
    let sets = datasets(site);
    if sets.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for d in &sets {
        out.push((format!("{DIR}/{}.csv", d.key), d.csv()?));
        out.push((format!("{DIR}/{}.json", d.key), d.json()?));
    }
    out.push((format!("{DIR}/catalogo.jsonld"), catalogue(site, &sets)?));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_must_name_fields_of_the_section() {
        let config = crate::schema::config::SiteConfig::parse(
            "title: T\nbase_url: https://e.org/\nsections:\n  comuni:\n    open_data: { code: istatt, leave_out: [etichetta] }\n    fields:\n      istat: {type: string}\n      etichetta: {type: string}\n  notizie:\n    open_data: true\n",
            std::path::Path::new("site.yaml"),
        )
        .unwrap();
        let diags = check(&config.sections);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0]
                .message
                .render(crate::report::messages::Lang::En)
                .contains("`istatt`"),
            "{}",
            diags[0].message
        );
        assert!(
            diags[0]
                .message
                .render(crate::report::messages::Lang::En)
                .contains("`istat`"),
            "a hint: {}",
            diags[0].message
        );
        let open = config.sections["notizie"].open_data.as_ref().unwrap();
        assert!(open.enabled && open.code.is_none());
    }

    #[test]
    fn cells_are_written_as_text_and_typed_json() {
        let codes = Cell::Codes(vec!["046002".into(), "046003".into()]);
        assert_eq!(codes.text(), "046002;046003");
        assert_eq!(codes.json(), json!(["046002", "046003"]));
        assert_eq!(Cell::Int(6207).json(), json!(6207));
        assert_eq!(Cell::Decimal(44.00998).text(), "44.00998");
        assert_eq!(Cell::Decimal(44.00998).json(), json!(44.00998));
        let date = Date::parse("2022-07-21").unwrap();
        assert_eq!(Cell::Date(date).json(), json!("2022-07-21"));
        assert_eq!(Cell::Empty.text(), "");
        assert_eq!(Cell::Empty.json(), Json::Null);
    }

    #[test]
    fn csv_quotes_what_needs_it_and_json_keeps_types() {
        let d = Dataset {
            key: "prova".into(),
            title: "Prova".into(),
            description: None,
            updated: None,
            columns: ["codice", "titolo", "importo"]
                .iter()
                .map(|n| Column {
                    name: (*n).into(),
                    kind: "testo",
                    description: None,
                })
                .collect(),
            rows_count: 1,
            csv_url: "/dati/prova.csv".into(),
            json_url: "/dati/prova.json".into(),
            theme: "SOCI".into(),
            rows: vec![vec![
                Cell::Text("A1".into()),
                Cell::Text("Sì, \"virgolette\" e virgole".into()),
                Cell::Decimal(197769.0),
            ]],
        };
        let csv = String::from_utf8(d.csv().unwrap()).unwrap();
        assert_eq!(
            csv,
            "codice,titolo,importo\nA1,\"Sì, \"\"virgolette\"\" e virgole\",197769.0\n"
        );
        let json: Json = serde_json::from_slice(&d.json().unwrap()).unwrap();
        assert_eq!(json[0]["importo"], json!(197769.0));
        assert_eq!(json[0]["codice"], json!("A1"));
    }
}
