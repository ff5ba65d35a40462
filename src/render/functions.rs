//! What templates can call beyond Tera's own: the filters (`date_it`,
//! `euro`, `jsonld`, `numero`) and the functions and lookups registered per
//! build (assets, open data, forms, calls, pages by path), all in one place.

use crate::msg;
use crate::render::context::{CallItem, ListItem, SectionItem};
use crate::report::diagnostic::hint;
use crate::resolve::forms::CompiledForm;
use crate::resolve::site::Site;
use crate::text::date::Date;
use crate::text::italian;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tera::Tera;
use tera::Value as Json;

use super::{open_data, Templates};

/// An error of a template function or filter, in the chosen language (it
/// reaches staff through Tera, as text).
fn tera_error(message: &crate::report::messages::Message) -> tera::Error {
    tera::Error::msg(message.to_string())
}

pub(super) fn register_filters(tera: &mut Tera) {
    tera.register_filter("date_it", |v: &Json, _: &HashMap<String, Json>| {
        let s = v
            .as_str()
            .ok_or_else(|| tera_error(&msg!(FILTER_DATE_IT_NOT_TEXT)))?;
        let d = Date::parse(s)
            .map_err(|e| tera_error(&msg!(FILTER_DATE_IT_BAD, value = s, why = e)))?;
        Ok(Json::String(d.italian()))
    });
    tera.register_filter("euro", |v: &Json, _: &HashMap<String, Json>| {
        let n = v
            .as_f64()
            .ok_or_else(|| tera_error(&msg!(FILTER_EXPECTED_NUMBER, filter = "euro")))?;
        Ok(Json::String(italian::euro(n)))
    });
    // JSON for `<script type="application/ld+json">`: `<` is escaped so that
    // no text can close the script element.
    tera.register_filter("jsonld", |v: &Json, _: &HashMap<String, Json>| {
        let text =
            serde_json::to_string(v).map_err(|e| tera::Error::msg(format!("jsonld: {e}")))?;
        Ok(Json::String(text.replace('<', "\\u003c")))
    });
    tera.register_filter("numero", |v: &Json, _: &HashMap<String, Json>| {
        if let Some(i) = v.as_i64() {
            return Ok(Json::String(italian::integer(i)));
        }
        let n = v
            .as_f64()
            .ok_or_else(|| tera_error(&msg!(FILTER_EXPECTED_NUMBER, filter = "numero")))?;
        Ok(Json::String(italian::decimal2(n)))
    });
}

impl Templates {
    /// `asset(path="css/serchio.css")`: the address of a stylesheet or
    /// script under its fingerprinted name (`/css/serchio.1a2b3c4d.css`),
    /// which servers may cache for long.
    pub(super) fn register_assets(&mut self, base_path: &str, assets: &BTreeMap<String, String>) {
        let base_path = base_path.to_string();
        let assets = assets.clone();
        self.tera
            .register_function("asset", move |args: &HashMap<String, Json>| {
                let path = args
                    .get("path")
                    .and_then(Json::as_str)
                    .ok_or_else(|| tera_error(&msg!(ASSET_NEEDS_PATH)))?;
                let path = path.trim_start_matches('/');
                let named = assets.get(path).ok_or_else(|| {
                    let hint = hint(path, assets.keys().map(String::as_str));
                    tera_error(&msg!(ASSET_NOT_FOUND, path = path, hint = hint))
                })?;
                Ok(Json::String(format!("{base_path}{named}")))
            });
    }

    /// `open_data()`: the datasets of `/dati/` (see [`crate::render::open_data`]),
    /// for the page that lists them.
    pub(super) fn register_open_data(&mut self, site: &Site) {
        let datasets = tera::to_value(open_data::datasets(site)).map_err(|e| e.to_string());
        self.tera
            .register_function("open_data", move |_: &HashMap<String, Json>| {
                datasets.clone().map_err(|detail| {
                    tera_error(&msg!(
                        FUNCTION_VALUE_FAILED,
                        function = "open_data",
                        detail = detail
                    ))
                })
            });
    }

    /// `form(id="…")`: the form's HTML, from the same code the forms
    /// service uses to show it again with errors.
    pub(super) fn register_forms(&mut self, site: &Site, forms: &[CompiledForm], today: Date) {
        let now = moment_of(today);
        self.register_calls(site, forms, now);
        let forms: Arc<HashMap<String, CompiledForm>> = Arc::new(
            forms
                .iter()
                .map(|f| (f.definition.id.clone(), f.clone()))
                .collect(),
        );
        self.tera
            .register_function("form", move |args: &HashMap<String, Json>| {
                let id = args
                    .get("id")
                    .and_then(Json::as_str)
                    .ok_or_else(|| tera_error(&msg!(FORM_FUNCTION_NEEDS_ID)))?;
                let f = forms
                    .get(id)
                    .ok_or_else(|| tera_error(&msg!(FORM_FUNCTION_NO_FORM, id = id)))?;
                let Some(call) = &f.definition.call else {
                    return Ok(Json::String(crate::form::html::form(
                        &f.definition,
                        &f.action,
                        f.privacy_path.as_deref(),
                        Default::default(),
                    )));
                };
                // A call shows its status as of the build; a closed one
                // shows its notice in place of the form.
                let mut html = crate::form::call::notice_html(call, now);
                if call.status(now) != crate::form::call::Status::Closed {
                    html.push_str(&crate::form::html::form(
                        &f.definition,
                        &f.action,
                        f.privacy_path.as_deref(),
                        Default::default(),
                    ));
                }
                Ok(Json::String(html))
            });
    }

    /// `calls()`: the site's calls (forms with a `call`), open ones first
    /// (those not yet open next), then closed ones, the latest closed
    /// first; each with its page's `title` and `url`, `state` (`aperto`,
    /// `non-aperto`, `chiuso`) and `status` (the Italian sentence), as of
    /// the build.
    pub(super) fn register_calls(
        &mut self,
        site: &Site,
        forms: &[CompiledForm],
        now: jiff::Timestamp,
    ) {
        use crate::form::call::Status;
        let mut calls: Vec<_> = forms
            .iter()
            .filter_map(|f| Some((f, f.definition.call.as_ref()?)))
            .collect();
        let rank = |s: Status| match s {
            Status::Open => 0,
            Status::NotYetOpen => 1,
            Status::Closed => 2,
        };
        calls.sort_by_key(|(f, c)| {
            let closed_latest_first = c.closes.map(|t| std::cmp::Reverse(t.as_second()));
            (
                rank(c.status(now)),
                closed_latest_first,
                f.definition.title.clone(),
            )
        });
        let list: Vec<CallItem> = calls
            .iter()
            .map(|(f, c)| {
                let state = match c.status(now) {
                    Status::Open => "aperto",
                    Status::NotYetOpen => "non-aperto",
                    Status::Closed => "chiuso",
                };
                CallItem::new(site, f.page, state, c.status_text(now))
            })
            .collect();
        let list = tera::to_value(list).map_err(|e| e.to_string());
        self.tera
            .register_function("calls", move |_: &HashMap<String, Json>| {
                list.clone().map_err(|detail| {
                    tera_error(&msg!(
                        FUNCTION_VALUE_FAILED,
                        function = "calls",
                        detail = detail
                    ))
                })
            });
    }

    /// `get_page(path="comuni/barga.md")` and `get_section(key="comuni")`
    /// for templates that show content from elsewhere (the home page).
    /// Values are made only when a template asks for them.
    /// Drops the lookups' hold on the site, so that the preview can update
    /// it in place between renders.
    pub fn release_lookups(&mut self) {
        for name in ["get_page", "get_section"] {
            self.tera
                .register_function(name, |_: &HashMap<String, Json>| {
                    Err(tera::Error::msg("no site is being rendered"))
                });
        }
    }

    pub(super) fn register_lookups(&mut self, site: &Arc<Site>) {
        let pages = Arc::clone(site);
        self.tera
            .register_function("get_page", move |args: &HashMap<String, Json>| {
                let path = args
                    .get("path")
                    .and_then(Json::as_str)
                    .ok_or_else(|| tera_error(&msg!(GET_PAGE_NEEDS_PATH)))?;
                let path = path.trim_start_matches("@/");
                let id = pages
                    .by_path
                    .get(path)
                    .ok_or_else(|| tera_error(&msg!(GET_PAGE_NO_PAGE, path = path)))?;
                tera::to_value(ListItem::new(&pages, *id)).map_err(tera::Error::json)
            });
        let sections = Arc::clone(site);
        self.tera
            .register_function("get_section", move |args: &HashMap<String, Json>| {
                let key = args
                    .get("key")
                    .and_then(Json::as_str)
                    .ok_or_else(|| tera_error(&msg!(GET_SECTION_NEEDS_KEY)))?;
                let section = SectionItem::new(&sections, key)
                    .ok_or_else(|| tera_error(&msg!(GET_SECTION_NO_SECTION, key = key)))?;
                tera::to_value(section).map_err(tera::Error::json)
            });
    }
}

/// The moment calls are shown as of: now when the build is for today
/// (every real build), else the start of the build's day in Europe/Rome,
/// so that a build on a fixed day (tests, golden copies) gives the same
/// bytes whenever it runs.
fn moment_of(today: Date) -> jiff::Timestamp {
    use crate::form::call::{parse_moment, End};
    if today.day() == Date::today() {
        return jiff::Timestamp::now();
    }
    parse_moment(&today.day().to_string(), End::Start).unwrap_or_else(jiff::Timestamp::now)
}
