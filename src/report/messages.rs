//! The message catalogue: every diagnostic and every line the `ambito`
//! command prints, each written once with its Italian and its English text
//! side by side.
//!
//! A message is a [`Message`]: an [`Entry`] of the catalogue plus named
//! arguments. It is rendered when shown, in the language chosen with
//! [`set_language`] (the `ambito` command chooses: `--lang`, then an
//! English `LANG`/`LC_ALL`/`LC_MESSAGES`, then the site's `language`), or
//! in a given one with [`Message::render`].
//!
//! In the texts, `{name}` is replaced by the argument `name` (text, a
//! number, or another message rendered in the same language); `{{` and
//! `}}` write a brace. Italian texts put names between «guillemets»,
//! English ones between `backticks`.
//!
//! # Adding a message
//!
//! 1. Add an entry to the `catalogue!` list below (grouped by module), with
//!    an `UPPER_CASE` name, the Italian text and the English text using the
//!    same placeholders (the `catalogue_is_complete` test checks this).
//! 2. Build it where the problem is found with
//!    `msg!(NAME, placeholder = value, …)` and pass it to
//!    [`Diagnostic::at`](crate::report::diagnostic::Diagnostic::at) or
//!    [`Diagnostic::file`](crate::report::diagnostic::Diagnostic::file), or print it
//!    (`eprintln!("{}", msg!(…))`).

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};

/// A language messages are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Italiano: the staff's language, and the site's by default.
    It,
    /// English.
    En,
}

impl Lang {
    /// The language a code such as `it`, `en`, `en_GB.UTF-8` or `it-IT`
    /// names, if it is one messages exist in.
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        let base = code.split(['_', '-', '.', '@']).next().unwrap_or_default();
        match base {
            "it" => Some(Lang::It),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of the messages: `--lang` if given (`flag`), else
    /// English when the environment's locale (`LC_ALL`, then `LC_MESSAGES`,
    /// then `LANG`, the first one set; see `locale`) is English, else the
    /// site's `language` (Italian unless it is English). A `C`/`POSIX` or
    /// Italian locale leaves the site's language.
    pub fn choose(flag: Option<Lang>, locale: Option<&str>, site: Option<&str>) -> Lang {
        if let Some(lang) = flag {
            return lang;
        }
        if locale.and_then(Lang::from_code) == Some(Lang::En) {
            return Lang::En;
        }
        site.and_then(Lang::from_code).unwrap_or(Lang::It)
    }

    /// The environment's locale for messages: the first of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG` that is set and not empty (POSIX order).
    pub fn locale_from_env() -> Option<String> {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
    }
}

/// 0: English, 1: Italian. English until the command chooses, so that the
/// library used on its own (benchmarks, tests) speaks like its code.
static LANGUAGE: AtomicU8 = AtomicU8::new(0);

/// Sets the language messages are shown in from now on (the `ambito`
/// command does this once, at the start).
pub fn set_language(lang: Lang) {
    LANGUAGE.store(u8::from(lang == Lang::It), Ordering::Relaxed);
}

/// The language messages are shown in.
pub fn language() -> Lang {
    if LANGUAGE.load(Ordering::Relaxed) == 1 {
        Lang::It
    } else {
        Lang::En
    }
}

/// One message of the catalogue, in both languages.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Entry {
    /// Its name in the catalogue (`UNKNOWN_EXTRA_FIELD`).
    pub id: &'static str,
    /// The Italian text.
    pub it: &'static str,
    /// The English text.
    pub en: &'static str,
}

impl Entry {
    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::It => self.it,
            Lang::En => self.en,
        }
    }
}

/// The value of a placeholder.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Arg {
    /// Text shown as it is (a name, a path, a number, a library's detail).
    Text(String),
    /// Another message, shown in the same language.
    Msg(Message),
}

impl Arg {
    fn render_into(&self, lang: Lang, out: &mut String) {
        match self {
            Arg::Text(t) => out.push_str(t),
            Arg::Msg(m) => m.render_into(lang, out),
        }
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}

impl From<&&str> for Arg {
    fn from(s: &&str) -> Self {
        Arg::Text((*s).to_string())
    }
}

impl From<Message> for Arg {
    fn from(m: Message) -> Self {
        Arg::Msg(m)
    }
}

impl From<&Message> for Arg {
    fn from(m: &Message) -> Self {
        Arg::Msg(m.clone())
    }
}

macro_rules! arg_from_number {
    ($($t:ty),*) => {
        $(impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Text(n.to_string())
            }
        })*
    };
}
arg_from_number!(u8, u16, u32, u64, usize, i8, i16, i32, i64, char);

/// A message of the catalogue with its arguments, rendered when shown.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Message {
    entry: &'static Entry,
    args: Vec<(&'static str, Arg)>,
}

impl Message {
    /// `entry` with no arguments yet.
    pub fn new(entry: &'static Entry) -> Self {
        Message {
            entry,
            args: Vec::new(),
        }
    }

    /// The same message with the placeholder `name` set to `value`.
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        // A misspelt argument is a mistake in the code: the tests that
        // reach the call site catch it.
        debug_assert!(
            pieces(self.entry.en)
                .iter()
                .any(|p| matches!(p, Piece::Placeholder(n) if *n == name)),
            "{} has no placeholder {{{name}}}",
            self.entry.id
        );
        self.args.push((name, value.into()));
        self
    }

    /// The empty message (a hint that has nothing to say).
    pub fn empty() -> Self {
        Message::new(&EMPTY)
    }

    /// Whether it renders as nothing in every language.
    pub fn is_empty(&self) -> bool {
        self.entry.id == EMPTY.id
    }

    /// Its catalogue entry.
    pub fn entry(&self) -> &'static Entry {
        self.entry
    }

    /// The text in `lang`, placeholders filled in.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        self.render_into(lang, &mut out);
        out
    }

    fn render_into(&self, lang: Lang, out: &mut String) {
        for piece in pieces(self.entry.text(lang)) {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Placeholder(name) => {
                    match self.args.iter().find(|(n, _)| *n == name) {
                        Some((_, arg)) => arg.render_into(lang, out),
                        // A call site that forgot an argument: show the
                        // placeholder rather than lose the rest.
                        None => {
                            out.push('{');
                            out.push_str(name);
                            out.push('}');
                        }
                    }
                }
            }
        }
    }
}

/// Shown in the chosen language ([`language`]).
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(language()))
    }
}

enum Piece<'a> {
    Text(&'a str),
    Placeholder(&'a str),
}

/// A text cut into literal parts and `{placeholders}`.
fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        out.push(Piece::Text(&rest[..i]));
        let brace = &rest[i..i + 1];
        let after = &rest[i + 1..];
        if after.starts_with(brace) {
            out.push(Piece::Text(brace));
            rest = &after[1..];
        } else if brace == "{" {
            match after.find('}') {
                Some(end) => {
                    out.push(Piece::Placeholder(&after[..end]));
                    rest = &after[end + 1..];
                }
                None => {
                    out.push(Piece::Text(&rest[i..]));
                    rest = "";
                }
            }
        } else {
            out.push(Piece::Text(brace));
            rest = after;
        }
    }
    out.push(Piece::Text(rest));
    out
}

/// Builds a [`Message`]: `msg!(UNKNOWN_EXTRA_FIELD, field = name, hint = h)`.
/// Each value is anything that converts into an [`Arg`]: text, a number,
/// another message.
#[macro_export]
macro_rules! msg {
    ($entry:ident $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::report::messages::Message::new(&$crate::report::messages::$entry)
            $(.with(stringify!($name), $value))*
    };
}

/// Defines the catalogue: one constant per entry, and [`ALL`].
macro_rules! catalogue {
    ($($(#[$doc:meta])* $name:ident { it: $it:expr, en: $en:expr $(,)? })*) => {
        $(
            $(#[$doc])*
            #[allow(missing_docs)]
            pub static $name: Entry = Entry { id: stringify!($name), it: $it, en: $en };
        )*
        /// Every entry of the catalogue.
        pub static ALL: &[&Entry] = &[$(&$name),*];
    };
}

catalogue! {
    // ---- General ----
    EMPTY { it: "", en: "" }
    ERROR_LABEL { it: "errore", en: "error" }
    WARNING_LABEL { it: "avviso", en: "warning" }
    DID_YOU_MEAN { it: " (forse intendevi «{candidate}»?)", en: " (did you mean `{candidate}`?)" }
    DID_YOU_MEAN_AS { it: " (forse intendevi {candidate}?)", en: " (did you mean {candidate}?)" }
    AMONG_WITH_GUESS {
        it: " (forse intendevi «{candidate}»? {label}: {list})",
        en: " (did you mean `{candidate}`? {label}: {list})",
    }
    AMONG { it: " ({label}: {list})", en: " ({label}: {list})" }
    /// Text from a library (a parser's or Tera's detail), kept as written.
    VERBATIM { it: "{text}", en: "{text}" }
    // ---- YAML (yaml.rs) ----
    KIND_NOTHING { it: "nulla", en: "nothing" }
    KIND_BOOL { it: "sì/no (true/false)", en: "yes/no (true/false)" }
    KIND_INTEGER { it: "un numero intero", en: "a whole number" }
    KIND_NUMBER { it: "un numero", en: "a number" }
    KIND_TEXT { it: "un testo", en: "text" }
    KIND_LIST { it: "un elenco", en: "a list" }
    KIND_MAP { it: "un gruppo di campi", en: "a group of fields" }
    /// A problem and its detail: `{what}: {detail}`.
    WHAT_DETAIL { it: "{what}: {detail}", en: "{what}: {detail}" }
    NOT_VALID_YAML { it: "YAML non valido", en: "not valid YAML" }
    YAML_DUPLICATE_KEY {
        it: "il campo «{key}» è scritto due volte allo stesso livello: tienine uno solo",
        en: "the field `{key}` is written twice at the same level: keep only one",
    }
    YAML_DUPLICATE_SOME_KEY {
        it: "un campo è scritto due volte allo stesso livello: tienine uno solo",
        en: "a field is written twice at the same level: keep only one",
    }
    YAML_TOO_DEEP { it: "ha troppi livelli annidati", en: "it is nested too deeply" }
    YAML_TOO_MANY_ALIASES {
        it: "usa troppi alias («*nome»)",
        en: "it uses too many aliases (`*name`)",
    }
    YAML_TOO_MANY_ANCHORS {
        it: "definisce troppe ancore («&nome»)",
        en: "it defines too many anchors (`&name`)",
    }
    YAML_TOO_LARGE {
        it: "è troppo grande da leggere (alias «*nome» che ripetono molte volte una parte?)",
        en: "it is too large to read (aliases (`*name`) that repeat a part many times?)",
    }
    YAML_KEEP_SHORT {
        it: "{what}: scrivilo più semplice, con meno livelli e i valori per esteso",
        en: "{what}: write it more simply, with fewer levels and the values written out",
    }
    YAML_TOO_LARGE_WRITE_OUT {
        it: "è troppo grande da leggere (alias «*nome» che ripetono molte volte una parte?): scrivi i valori per esteso",
        en: "it is too large to read (aliases (`*name`) that repeat a part many times?): write the values out instead",
    }
    YAML_UNKNOWN_ANCHOR {
        it: "un alias («*nome») richiama un'ancora («&nome») che non è scritta prima",
        en: "an alias (`*name`) names no anchor (`&name`) written before it",
    }
    YAML_EOF {
        it: "il testo finisce troppo presto: è rimasta aperta una virgoletta o una parentesi?",
        en: "the text ends too early: is a quote or a bracket left open?",
    }
    YAML_MULTIPLE_DOCUMENTS {
        it: "contiene più di un documento YAML: togli la riga «---» in più",
        en: "it holds more than one YAML document: remove the extra `---` line",
    }
    YAML_INDENTATION {
        it: "rientro sbagliato: richiesto {required}, trovati {actual} spazi",
        en: "wrong indentation: expected {required}, found {actual} spaces",
    }
    YAML_QUOTING_REQUIRED {
        it: "il valore {value} va scritto tra virgolette",
        en: "the value {value} must be put in quotes",
    }
    YAML_MERGE_KEYS {
        it: "le chiavi di unione («<<») non sono supportate: scrivi i campi per esteso",
        en: "merge keys (`<<`) are not supported: write the fields out",
    }
    YAML_NOT_UTF8 {
        it: "il testo non è in UTF-8: salvalo come UTF-8",
        en: "the text is not UTF-8: save it as UTF-8",
    }
    YAML_UNCLOSED_BRACKET {
        it: "una parentesi «{open}» è aperta e mai chiusa: chiudila con «{close}» (o metti il valore tra virgolette)",
        en: "a `{open}` is opened and never closed: close it with `{close}` (or put the value in quotes)",
    }
    YAML_UNCLOSED_QUOTE {
        it: "una virgoletta è aperta e mai chiusa: chiudila alla fine del valore",
        en: "a quote is opened and never closed: close it at the end of the value",
    }
    YAML_MISMATCHED_BRACKET {
        it: "parentesi che non si corrispondono: ogni «[» si chiude con «]» e ogni «{{» con «}}»",
        en: "brackets that do not match: each `[` closes with `]` and each `{{` with `}}`",
    }
    YAML_UNEXPECTED_CHARACTER {
        it: "il carattere «{character}» non può stare qui: metti il valore tra virgolette",
        en: "the character `{character}` cannot be here: put the value in quotes",
    }
    YAML_TAB {
        it: "c'è un carattere di tabulazione: nel front matter i rientri si fanno con gli spazi",
        en: "there is a tab character: front matter is indented with spaces",
    }
    YAML_COLON_IN_VALUE {
        it: "un valore contiene «: » (due punti e spazio), oppure il rientro è sbagliato: metti il valore tra virgolette o allinea il campo a quelli sopra",
        en: "a value contains `: ` (a colon and a space), or the indentation is wrong: put the value in quotes or align the field with those above",
    }
    YAML_EXPECTED_FIELD {
        it: "qui ci si aspetta un campo («nome: valore») allineato a quelli sopra: controlla il rientro",
        en: "a field (`name: value`) aligned with those above is expected here: check the indentation",
    }
    YAML_EXPECTED_COMMA {
        it: "in un elenco tra parentesi gli elementi si separano con virgole; se un elemento contiene una virgola o una parentesi, mettilo tra virgolette",
        en: "items in a list in brackets are separated by commas; an item holding a comma or a bracket goes in quotes",
    }
    YAML_EXPECTED_DASH {
        it: "in un elenco ogni riga comincia con «- » allo stesso rientro: controlla questa riga",
        en: "each line of a list starts with `- ` at the same indentation: check this line",
    }
    YAML_BAD_INDENTATION {
        it: "rientro sbagliato: allinea la riga ai campi dello stesso livello",
        en: "wrong indentation: align the line with the fields of the same level",
    }
    YAML_MISSING_COLON {
        it: "manca «:» dopo il nome del campo (si scrive «nome: valore»)",
        en: "a `:` is missing after the field's name (write `name: value`)",
    }
    YAML_BAD_ESCAPE {
        it: "tra virgolette doppie una «\\» deve iniziare una sequenza valida: usa le virgolette semplici (') o raddoppia la «\\»",
        en: "inside double quotes a `\\` must start a valid escape: use single quotes (') or double the `\\`",
    }
    YAML_AFTER_QUOTE {
        it: "c'è del testo dopo la virgoletta di chiusura: metti tra virgolette tutto il valore",
        en: "there is text after the closing quote: put the whole value in quotes",
    }
    YAML_DASH_HERE {
        it: "un elemento d'elenco («- ») non può stare qui: controlla il rientro",
        en: "a list item (`- `) cannot be here: check the indentation",
    }
    YAML_SYNTAX {
        it: "errore di sintassi: controlla rientri, «:», virgolette e parentesi in questa riga e in quella sopra",
        en: "syntax error: check indentation, `:`, quotes and brackets on this line and the one above",
    }
    // ---- Front matter (front_matter.rs, toml_front_matter.rs) ----
    FRONT_MATTER_NOT_CLOSED {
        it: "il front matter non è mai chiuso: aggiungi una riga «{fence}» dopo l'ultimo campo",
        en: "front matter is never closed: add a line `{fence}` after the last field",
    }
    FRONT_MATTER_BLANK_LINE_BEFORE {
        it: "il front matter deve cominciare alla prima riga: togli la riga vuota prima di «{fence}»",
        en: "the front matter must start on the first line: remove the 1 empty line before `{fence}`",
    }
    FRONT_MATTER_BLANK_LINES_BEFORE {
        it: "il front matter deve cominciare alla prima riga: togli le {count} righe vuote prima di «{fence}»",
        en: "the front matter must start on the first line: remove the {count} empty lines before `{fence}`",
    }
    FRONT_MATTER_SPACES_BEFORE {
        it: "la riga «{fence}» non deve avere niente prima: togli gli spazi all'inizio",
        en: "the `{fence}` line must have nothing before it: remove the spaces at the start",
    }
    FRONT_MATTER_JSON {
        it: "il front matter in JSON non è supportato: scrivi i campi in YAML tra due righe «---»",
        en: "JSON front matter is not supported: write the fields in YAML between two `---` lines",
    }
    FRONT_MATTER_CR_ONLY {
        it: "le righe del file finiscono con il solo carattere CR (come nei vecchi Mac), che qui non conta come a capo: salva il file con fine riga LF (Unix) o CRLF (Windows)",
        en: "the file's lines end with CR alone (as on old Macs), which does not count as a line break here: save the file with LF (Unix) or CRLF (Windows) line endings",
    }
    FRONT_MATTER_MISSING_YAML {
        it: "manca il front matter: i campi vanno tra due righe «---»: aggiungi una riga «---» prima del primo campo e un'altra dopo l'ultimo",
        en: "missing front matter: the fields must be between two `---` lines: add a line `---` before the first field and another after the last",
    }
    FRONT_MATTER_MISSING_TOML {
        it: "manca il front matter: i campi TOML vanno tra due righe «+++»: aggiungi una riga «+++» prima del primo campo e un'altra dopo l'ultimo",
        en: "missing front matter: TOML fields must be between two `+++` lines: add a line `+++` before the first field and another after the last",
    }
    FRONT_MATTER_MISSING {
        it: "manca il front matter: il file deve cominciare con una riga «---», poi campi come «title: ...», poi un'altra «---» (oppure TOML tra due righe «+++»)",
        en: "missing front matter: the file must start with a line `---`, then fields such as `title: ...`, then another `---` (or TOML between two `+++` lines)",
    }
    FRONT_MATTER_NOT_YAML { it: "il front matter non è YAML valido", en: "front matter is not valid YAML" }
    FRONT_MATTER_NOT_TOML { it: "il front matter non è TOML valido", en: "front matter is not valid TOML" }
    TOML_UNQUOTED {
        it: "manca il valore, o un testo va scritto tra virgolette: «title = \"Barga\"»",
        en: "a value is missing, or text must be quoted: `title = \"Barga\"`",
    }
    TOML_DUPLICATE_KEY {
        it: "questo campo è scritto due volte allo stesso livello: tienine uno solo",
        en: "this field is written twice at the same level: keep only one",
    }
    TOML_UNCLOSED_QUOTE {
        it: "le virgolette di questo testo non sono chiuse sulla stessa riga",
        en: "the quotes of this text are not closed on the same line",
    }
    TOML_UNCLOSED_TABLE {
        it: "manca la «]» che chiude il nome della tabella (per esempio «[extra]»)",
        en: "the `]` closing the table name is missing (as in `[extra]`)",
    }
    TOML_UNCLOSED_ARRAY {
        it: "manca la «]» che chiude l’elenco (per esempio «tags = [\"a\", \"b\"]»)",
        en: "the `]` closing the list is missing (as in `tags = [\"a\", \"b\"]`)",
    }
    TOML_UNCLOSED_INLINE_TABLE {
        it: "manca la «}}» che chiude la tabella scritta su una riga",
        en: "the `}}` closing the inline table is missing",
    }
    TOML_NO_EQUALS {
        it: "manca il segno «=» tra il nome del campo e il suo valore",
        en: "the `=` between the field name and its value is missing",
    }
    TOML_BAD_DATE {
        it: "data o ora impossibile: scrivila come 2022-07-21 o 2022-07-21T10:30:00+02:00",
        en: "impossible date or time: write it as 2022-07-21 or 2022-07-21T10:30:00+02:00",
    }
    TOML_EMPTY_KEY {
        it: "manca il nome del campo prima di «=»",
        en: "the field name before `=` is missing",
    }
    TOML_TRAILING {
        it: "dopo il valore c’è altro testo sulla stessa riga: un solo campo per riga",
        en: "more text follows the value on the same line: one field per line",
    }
    TOML_OTHER {
        it: "la sintassi TOML non è valida a questo punto: controlla virgolette, parentesi e «=» (dettaglio tecnico, in inglese: {detail})",
        en: "{detail}",
    }
    FRONT_MATTER_NOT_MAP {
        it: "il front matter deve essere un elenco di righe «campo: valore», trovato {found}",
        en: "front matter must be a list of `field: value` lines, found {found}",
    }
    SLUG_NOT_SEGMENT {
        it: "«slug» deve essere un solo pezzo di indirizzo, senza «/», «?» o «#», trovato «{found}»",
        en: "`slug` must be one URL segment without `/`, `?` or `#`, found `{found}`",
    }
    SLUG_BAD_CHARACTERS {
        it: "«slug» deve essere fatto di lettere a-z, cifre e «-», trovato «{found}» (scrivi «{slug}»)",
        en: "`slug` must be made of letters a-z, digits and `-`, found `{found}` (write `{slug}`)",
    }
    EXTRA_NOT_MAP {
        it: "«extra» deve essere un gruppo di righe «campo: valore», trovato {found}",
        en: "`extra` must be a group of `field: value` lines, found {found}",
    }
    TITLE_EMPTY {
        it: "«title» è vuoto: ogni pagina ha bisogno di un titolo",
        en: "`title` is empty: every page needs a title",
    }
    TITLE_MISSING {
        it: "manca il campo obbligatorio «title» nel front matter",
        en: "missing required field `title` in front matter",
    }
    HINT_GO_UNDER_EXTRA {
        it: " (i campi propri della sezione vanno sotto «extra:»)",
        en: " (section-specific fields go under `extra:`)",
    }
    UNKNOWN_FRONT_MATTER_FIELD {
        it: "campo sconosciuto «{field}» nel front matter{hint}",
        en: "unknown field `{field}` in front matter{hint}",
    }
    WRONG_TYPE {
        it: "tipo sbagliato per «{field}»: serve {expected}, trovato {found}",
        en: "wrong type for `{field}`: expected {expected}, found {found}",
    }
    WRONG_TYPE_IN_LIST {
        it: "tipo sbagliato in «{field}»: serve un testo, trovato {found}",
        en: "wrong type in `{field}`: expected text, found {found}",
    }
    EXPECTED_TEXT_LIST { it: "un elenco di testi", en: "a list of text" }
    EXPECTED_BOOL { it: "true (sì) o false (no)", en: "true or false" }
    EXPECTED_DATE { it: "una data (AAAA-MM-GG)", en: "a date (YYYY-MM-DD)" }
    BAD_DATE {
        it: "data non valida «{text}» per «{field}»: {why}",
        en: "bad date `{text}` for `{field}`: {why}",
    }
    // ---- Dates (date.rs) ----
    DATE_SHAPE {
        it: "attesa una data scritta AAAA-MM-GG, per esempio 2022-07-21",
        en: "expected a date written as YYYY-MM-DD, e.g. 2022-07-21",
    }
    DATE_MONTH { it: "il mese deve essere da 01 a 12", en: "month must be 01 to 12" }
    DATE_DAY {
        it: "il giorno deve essere da 01 a {max} per quel mese",
        en: "day must be 01 to {max} for that month",
    }
    TIME_SHAPE {
        it: "atteso dopo la data un orario scritto HH:MM o HH:MM:SS, per esempio 2022-07-21T10:30:00",
        en: "expected a time written as HH:MM or HH:MM:SS after the date, e.g. 2022-07-21T10:30:00",
    }
    TIME_HOUR { it: "l'ora deve essere da 00 a 23, trovato {found}", en: "hour must be 00 to 23, found {found}" }
    TIME_MINUTES {
        it: "i minuti devono essere da 00 a 59, trovato {found}",
        en: "minutes must be 00 to 59, found {found}",
    }
    TIME_SECONDS {
        it: "i secondi devono essere da 00 a 59, trovato {found}",
        en: "seconds must be 00 to 59, found {found}",
    }
    TIME_IMPOSSIBLE { it: "orario impossibile {clock}: {detail}", en: "impossible time {clock}: {detail}" }
    TIME_ZONE_SHAPE {
        it: "il fuso orario va scritto Z (ora di Greenwich) oppure come differenza da Greenwich, per esempio +02:00 per l'ora legale italiana",
        en: "expected the time zone as Z or an offset such as +02:00",
    }
    TIME_ZONE_RANGE {
        it: "il fuso orario {zone} non esiste: la differenza da Greenwich va da -12:00 a +14:00 (in Italia +01:00, o +02:00 con l'ora legale)",
        en: "time zone offset {zone} does not exist (from -12:00 to +14:00)",
    }
    TIME_ZONE_IMPOSSIBLE { it: "il fuso orario {zone} non è valido: {detail}", en: "time zone offset {zone}: {detail}" }
    // ---- Schemas (schema.rs) ----
    LABEL_TYPES { it: "tipi", en: "types" }
    LABEL_ALLOWED { it: "valori ammessi", en: "allowed" }
    TYPE_STRING { it: "una riga di testo", en: "one line of text" }
    TYPE_DECIMAL { it: "un numero come 1234.50", en: "a number such as 1234.50" }
    TYPE_EMAIL { it: "un indirizzo email", en: "an email address" }
    TYPE_URL { it: "un indirizzo web che comincia con https://", en: "a web address starting with https://" }
    TYPE_REFERENCE { it: "il nome di una pagina in «{section}»", en: "the name of a page in `{section}`" }
    TYPE_LIST { it: "un elenco di: {of}", en: "a list of {of}" }
    TYPE_FORM { it: "la definizione di un modulo", en: "a form definition" }
    SCHEMA_FIELD_PROBLEM {
        it: "campo «{field}» della sezione «{section}»: {problem}",
        en: "field `{field}` of section `{section}`: {problem}",
    }
    SCHEMA_LIST_NEEDS_OF {
        it: "un «list» ha bisogno di «of:» con il tipo dei suoi elementi",
        en: "a `list` needs `of:` naming the type of its items",
    }
    SCHEMA_LIST_OF_LISTS { it: "gli elenchi di elenchi non sono supportati", en: "lists of lists are not supported" }
    SCHEMA_REFERENCE_NEEDS_SECTION {
        it: "un «reference» ha bisogno di «section:» con la sezione a cui rimanda",
        en: "a `reference` needs `section:` naming the section it points to",
    }
    NO_SUCH_SECTION {
        it: "non esiste la sezione «{section}» in content/{hint}",
        en: "no section `{section}` in content/{hint}",
    }
    SCHEMA_UNKNOWN_TYPE { it: "tipo sconosciuto «{ty}»{hint}", en: "unknown type `{ty}`{hint}" }
    HINT_NO_EXTRA_FIELDS {
        it: " (questa sezione non ha campi «extra:»)",
        en: " (this section has no `extra:` fields)",
    }
    HINT_FIELDS_ALLOWED { it: " (campi ammessi qui: {list})", en: " (fields allowed here: {list})" }
    UNKNOWN_EXTRA_FIELD {
        it: "campo sconosciuto «{field}»{hint}",
        en: "unknown field `{field}` in front matter{hint}",
    }
    MISSING_EXTRA_FIELD {
        it: "manca il campo obbligatorio «{field}» sotto «extra:» (serve {expected})",
        en: "missing required field `{field}` under `extra:` (expected {expected})",
    }
    INTEGER_TOO_LARGE {
        it: "«{field}» è un numero troppo grande: un numero intero qui può avere al massimo 18 cifre",
        en: "`{field}` is too large a number: a whole number here has at most 18 digits",
    }
    INTEGER_WITH_DECIMALS {
        it: "«{field}» deve essere un numero intero, senza virgola né decimali",
        en: "`{field}` must be a whole number, with no decimal point or decimals",
    }
    ONE_LINE_ONLY {
        it: "«{field}» deve essere una sola riga di testo (dichiaralo «type: text» per più righe)",
        en: "`{field}` must be one line of text (declare it `type: text` for several lines)",
    }
    NOT_AN_EMAIL {
        it: "«{value}» non è un indirizzo email (atteso nome@esempio.it)",
        en: "`{value}` is not an email address (expected name@example.it)",
    }
    NOT_A_URL {
        it: "«{value}» non è un indirizzo web (atteso https://...)",
        en: "`{value}` is not a web address (expected https://...)",
    }
    VALUE_NOT_ALLOWED {
        it: "«{value}» non è un valore ammesso per «{field}»{hint}",
        en: "`{value}` is not an allowed value for `{field}`{hint}",
    }
    // ---- Site settings (config.rs) ----
    CONFIG_SHAPE {
        it: "impostazione non valida (dettaglio del lettore YAML, in inglese): {detail}",
        en: "{detail}",
    }
    BASE_URL_NOT_ABSOLUTE {
        it: "«base_url» deve essere un indirizzo completo come https://www.example.org/, trovato «{found}»",
        en: "`base_url` must be an absolute address such as https://www.example.org/, found `{found}`",
    }
    // ---- Content (content.rs, site_files.rs) ----
    CANNOT_READ { it: "impossibile leggere il file: {detail}", en: "cannot read: {detail}" }
    SYMLINK_FOLDER {
        it: "un collegamento simbolico a una cartella non viene seguito: le sue pagine non sono nel sito (sposta o copia qui la cartella)",
        en: "a symbolic link to a folder is not followed: its pages are not in the site (move or copy the folder here)",
    }
    SYMLINK_UNREADABLE {
        it: "un collegamento simbolico a un file che non si può leggere ({detail}): non è nel sito",
        en: "a symbolic link to a file that cannot be read ({detail}): it is not in the site",
    }
    STRAY_FILE {
        it: "non pubblicato: da content/ si leggono solo le pagine Markdown e i file delle pagine-cartella (una cartella con un index.md, i cui file le stanno accanto). Per pubblicarlo all'indirizzo /{path}, spostalo in static/{path}",
        en: "not published: only Markdown pages and the files of page bundles (a folder with an index.md, its files beside it) are read from content/. To publish it at /{path}, move it to static/{path}",
    }
    NO_CONTENT_FOLDER {
        it: "manca la cartella content/, dove vanno le pagine del sito (un file Markdown per pagina): creala accanto a site.yaml, con content/_index.md per la pagina iniziale",
        en: "there is no content/ folder, where the site's pages go (one Markdown file per page): create it beside site.yaml, with content/_index.md for the home page",
    }
    MARKDOWN_IN_BUNDLE {
        it: "pagina non pubblicata: la cartella «{folder}» contiene «{index}», quindi è una pagina sola e gli altri file sono suoi allegati. Perché la cartella diventi una sezione con le sue pagine, rinomina «{index}» in «_index.md»",
        en: "page not published: the folder `{folder}` holds `{index}`, so it is one page and its other files are that page's attachments. To make the folder a section with its pages, rename `{index}` to `_index.md`",
    }
    SYMLINK_OUT_OF_CONTENT {
        it: "un collegamento simbolico a un file fuori da content/ non viene pubblicato: copia qui il file, se va pubblicato",
        en: "a symbolic link to a file outside content/ is not published: copy the file here if it is meant to be published",
    }
    FILE_NAME_UNREACHABLE {
        it: "il nome del file contiene «{sign}», che in un indirizzo web ha un altro significato: nessuno potrebbe aprirlo. Rinominalo senza «#», «?» e «%»",
        en: "the file name holds `{sign}`, which means something else in a web address: nobody could open it. Rename it without `#`, `?` and `%`",
    }
    FILE_NOT_UTF8 {
        it: "il file non è testo UTF-8: salvalo come UTF-8",
        en: "the file is not UTF-8 text: save it as UTF-8",
    }
    SLUG_ON_SECTION {
        it: "«slug» non si può usare nella pagina di una sezione: rinomina invece la cartella",
        en: "`slug` cannot be set on a section page: rename the folder instead",
    }
    HEADLESS_NOT_BUNDLE {
        it: "«headless» vale solo per un pacchetto di pagina (una cartella con un index.md): per nascondere una pagina usa «draft: true»",
        en: "`headless` applies only to a page bundle (a folder with an index.md): use `draft: true` to hide a page",
    }
    CHANGED_DURING_BUILD {
        it: "il file è cambiato durante la costruzione del sito: ricostruiscilo",
        en: "the file changed during the build: build again",
    }
    // ---- Other generators' syntax (leftovers.rs) ----
    LEFTOVER_HUGO { it: "uno shortcode di Hugo", en: "a Hugo shortcode" }
    LEFTOVER_JEKYLL { it: "un tag Jekyll (Liquid)", en: "a Jekyll (Liquid) tag" }
    LEFTOVER_VARIABLE {
        it: "una variabile o funzione di modello (Jekyll, Zola)",
        en: "a template variable or function (Jekyll, Zola)",
    }
    LEFTOVER_KRAMDOWN { it: "un'indicazione di stile scritta per Jekyll (kramdown)", en: "a kramdown attribute list" }
    LEFTOVER_LINK_ADVICE {
        it: "scrivi il collegamento in Markdown verso il file della pagina: [testo](@/sezione/pagina.md)",
        en: "write the link in Markdown to the page's file: [text](@/section/page.md)",
    }
    LEFTOVER_KRAMDOWN_ADVICE {
        it: "toglilo, oppure dai un id a un titolo scrivendo {{#id}}",
        en: "remove it, or give a heading an id as {{#id}}",
    }
    LEFTOVER_ADVICE {
        it: "verrebbe pubblicato così com'è: sostituiscilo con Markdown o toglilo",
        en: "it would be published as written: replace it with Markdown or remove it",
    }
    LEFTOVER {
        it: "{what} di un altro generatore, «{shown}»: {advice}",
        en: "{what} from another generator, `{shown}`: {advice}",
    }
    // ---- Summaries of problems repeated on many pages (migration.rs) ----
    /// A diagnostic line, quoted whole.
    DIAGNOSTIC_LINE { it: "{place}: {label}: {message}", en: "{place}: {label}: {message}" }
    GROUP_AND_MORE { it: "{list}, e altri {more}", en: "{list}, and {more} more" }
    GROUP_UNKNOWN_FIELD {
        it: "{n} pagine usano campi del front matter che ambito non conosce: {list}; spostali sotto «extra:» (dichiarati in site.yaml se la sezione ha uno schema) o toglili. Per esempio: {example}",
        en: "{n} pages use front-matter fields ambito does not know: {list}; move them under `extra:` (declared in site.yaml where the section has a schema) or remove them. For example: {example}",
    }
    GROUP_UNKNOWN_EXTRA_FIELD {
        it: "{n} pagine usano campi «extra:» che non sono nello schema della loro sezione: {list}; dichiarali in site.yaml o toglili. Per esempio: {example}",
        en: "{n} pages use `extra:` fields not in their section's schema: {list}; declare them in site.yaml or remove them. For example: {example}",
    }
    GROUP_MISSING_TEMPLATE {
        it: "{n} pagine hanno bisogno di modelli che mancano nel tema e in templates/: {list}; imposta un «theme» in site.yaml o aggiungili in templates/ (la cartella layouts/ di altri generatori non viene letta). Per esempio: {example}",
        en: "{n} pages need templates missing from the theme and templates/: {list}; set a `theme` in site.yaml or add them to templates/ (another generator's layouts/ are not read). For example: {example}",
    }
    GROUP_STRAY_FILE {
        it: "{n} file in content/ non vengono pubblicati (lo sono solo le pagine e i file dei pacchetti di pagina): {list}; spostali in static/ o nella cartella della pagina che li usa, accanto a un index.md. Per esempio: {example}",
        en: "{n} files in content/ are not published (only pages and the files of page bundles are): {list}; move them to static/ or into the folder of the page that uses them, beside an index.md. For example: {example}",
    }
    GROUP_SAME_PROBLEM {
        it: "{n} pagine hanno lo stesso problema, per esempio {example}. Le pagine: {list}",
        en: "{n} pages have the same problem, for example {example}. The pages: {list}",
    }
    GROUP_LEFTOVER {
        it: "{n} pagine contengono sintassi di altri generatori, che verrebbe pubblicata così com'è: {list}; sostituiscila con Markdown (collegamenti: [testo](@/sezione/pagina.md)). Per esempio: {example}",
        en: "{n} pages contain syntax of other generators, published as written: {list}; replace it with Markdown (links: [text](@/section/page.md)). For example: {example}",
    }
    // ---- Addresses, references and links (site.rs) ----
    NO_HOME_PAGE {
        it: "manca content/_index.md: il sito non ha una pagina iniziale (index.html)",
        en: "there is no content/_index.md: the site has no home page (index.html)",
    }
    HINT_IS_DRAFT {
        it: " (è una bozza: pubblicala o costruisci il sito con --drafts)",
        en: " (it is a draft: publish it or build with --drafts)",
    }
    HINT_IS_HEADLESS {
        it: " (è un pacchetto «headless»: non viene pubblicato)",
        en: " (it is a headless bundle: it is not published)",
    }
    SAME_URL {
        it: "due pagine con lo stesso indirizzo {url}: questa e {other}",
        en: "two pages with the same URL {url}: this one and {other}",
    }
    LINK_BROKEN {
        it: "il collegamento «{link}» non porta a nessuna pagina o file del sito: correggilo o toglilo",
        en: "link `{link}` leads to no page or file of the site: correct it or remove it",
    }
    LINK_NO_ANCHOR {
        it: "il collegamento «{link}» porta a una pagina che non ha nessun punto «{anchor}» (un titolo o un elemento con quell'id): correggilo o toglilo",
        en: "link `{link}` leads to a page with no place `{anchor}` (a heading or an element with that id): correct it or remove it",
    }
    PAGE_IN_SEARCH_FOLDER {
        it: "l'indirizzo {url} è nella cartella {folder}, dove va l'indice della ricerca: rinomina il file (o la sua cartella), o dagli un altro «slug»",
        en: "address {url} is in the folder {folder}, where the search index goes: rename the file (or its folder), or give it another `slug`",
    }
    ALIAS_NOT_PATH {
        it: "l'alias «{alias}» non è un percorso del sito come /vecchia-pagina/",
        en: "alias `{alias}` is not a site path such as /vecchia-pagina/",
    }
    ALIAS_TWICE { it: "l'alias {alias} è scritto due volte: tienine uno", en: "alias {alias} is written twice: keep one" }
    ALIAS_CLAIMED {
        it: "l'alias {alias} è usato anche da {other}: un vecchio indirizzo può rimandare a una pagina sola",
        en: "alias {alias} is also claimed by {other}: an old address can redirect to one page only",
    }
    NO_SUCH_REFERENCED_PAGE {
        it: "«{field}» indica «{name}»: nella sezione «{section}» non c'è questa pagina{why}",
        en: "`{field}` names `{name}`: no such page in section `{section}`{why}",
    }
    LINK_NO_PAGE {
        it: "collegamento a {link}: la pagina non esiste{why}",
        en: "link to {link}: no such page{why}",
    }
    HINT_NO_HEADINGS { it: " (quella pagina non ha titoli)", en: " (that page has no headings)" }
    HINT_HEADINGS { it: " (i suoi titoli: {list})", en: " (its headings: {list})" }
    LINK_NO_HEADING {
        it: "collegamento a {link}: in quella pagina non c'è il titolo «#{anchor}»{why}",
        en: "link to {link}: no heading `#{anchor}` in that page{why}",
    }
    HINT_BUNDLE_EMPTY { it: " (il pacchetto non ha altri file)", en: " (the bundle has no other files)" }
    LINK_NO_FILE {
        it: "collegamento a {link}: il file non esiste in {folder}/{why}",
        en: "link to {link}: no such file in {folder}/{why}",
    }
    // ---- Templates (render.rs) ----
    TEMPLATE_INCLUDE_RING {
        it: "il modello «{name}» include sé stesso ({chain}): non finirebbe mai; togli l'inclusione",
        en: "template `{name}` includes itself ({chain}): it would never finish; remove the include",
    }
    TEMPLATE_MACRO_LOOP {
        it: "la macro «{call}» del modello «{name}» chiama sempre sé stessa, senza una condizione (if) che la fermi: non finirebbe mai; aggiungila o togli la chiamata",
        en: "macro `{call}` of template `{name}` always calls itself, with no condition (if) to stop it: it would never finish; add one or remove the call",
    }
    TEMPLATE_TOO_SLOW {
        it: "il modello «{name}» ha impiegato più di {seconds} secondi per questa pagina ed è stato fermato: forse un ciclo senza fine o troppo grande (un for su range() enorme, cicli annidati). Se la pagina è davvero così grande, alza il limite in site.yaml: render_limits: {{ seconds: … }}",
        en: "template `{name}` took more than {seconds} seconds for this page and was stopped: perhaps an endless or huge loop (a for over a huge range(), nested loops). If the page really is that large, raise the limit in site.yaml: render_limits: {{ seconds: … }}",
    }
    TEMPLATE_TOO_BIG {
        it: "mentre il modello «{name}» preparava questa pagina la costruzione ha superato la memoria consentita ({used} MiB su {limit}) ed è stata fermata: forse un ciclo che crea troppi elementi (un range() enorme). Se il sito è davvero così grande, alza il limite in site.yaml: render_limits: {{ memory_mib: … }}",
        en: "while template `{name}` rendered this page the build went past its memory limit ({used} MiB of {limit}) and was stopped: perhaps a loop making too many items (a huge range()). If the site really is that large, raise the limit in site.yaml: render_limits: {{ memory_mib: … }}",
    }
    TEMPLATE_TOO_DEEP {
        it: "il modello «{name}» ({file}) si richiama troppe volte, una dentro l'altra, per questa pagina: una macro che chiama sé stessa con una condizione (if) che non la ferma mai, o inclusioni annidate senza fine; la costruzione è stata fermata",
        en: "template `{name}` ({file}) calls itself too many times, one inside the other, for this page: a macro calling itself with a condition (if) that never stops it, or endlessly nested includes; the build was stopped",
    }
    TEMPLATE_TOO_DEEP_MACROS {
        it: "il modello «{name}» ({file}) si richiama troppe volte, una dentro l'altra, per questa pagina: una macro che chiama sé stessa con una condizione (if) che non la ferma mai; la costruzione è stata fermata. Macro che chiamano sé stesse: {macros}",
        en: "template `{name}` ({file}) calls itself too many times, one inside the other, for this page: a macro calling itself with a condition (if) that never stops it; the build was stopped. Macros that call themselves: {macros}",
    }
    THEME_NOT_FOUND {
        it: "tema «{theme}» non trovato: serve una cartella themes/{theme}/",
        en: "theme `{theme}` not found: expected a folder themes/{theme}/",
    }
    BUILT_IN_TEMPLATE { it: "(modello incorporato {name})", en: "(built-in {name})" }
    SYNTAX_ERROR { it: "errore di sintassi", en: "syntax error" }
    /// Tera's own detail follows, in English.
    TEMPLATE_SYNTAX_ERROR {
        it: "errore di sintassi nel modello (dettaglio di Tera): {detail}",
        en: "template syntax error: {detail}",
    }
    /// Tera's own detail follows, in English.
    TEMPLATE_ERROR { it: "errore nel modello (dettaglio di Tera): {detail}", en: "template error: {detail}" }
    FILTER_DATE_IT_NOT_TEXT {
        it: "date_it: serve una data come 2022-07-21",
        en: "date_it: expected a date such as 2022-07-21",
    }
    FILTER_DATE_IT_BAD { it: "date_it: «{value}»: {why}", en: "date_it: `{value}`: {why}" }
    FILTER_EXPECTED_NUMBER { it: "{filter}: serve un numero", en: "{filter}: expected a number" }
    ASSET_NEEDS_PATH { it: "asset vuole path=\"css/file.css\"", en: "asset needs path=\"css/file.css\"" }
    ASSET_NOT_FOUND {
        it: "asset: nelle cartelle static non c'è il foglio di stile o lo script «{path}»{hint}",
        en: "asset: no stylesheet or script `{path}` in the static folders{hint}",
    }
    FORM_FUNCTION_NEEDS_ID { it: "form vuole id=\"id-del-modulo\"", en: "form needs id=\"form-id\"" }
    FORM_FUNCTION_NO_FORM { it: "form: non esiste il modulo «{id}»", en: "form: no form `{id}`" }
    FORM_FILE_ERROR { it: "modulo «{id}»: {detail}", en: "form `{id}`: {detail}" }
    UNKNOWN_TEMPLATE { it: "modello sconosciuto «{name}»{hint}", en: "unknown template `{name}`{hint}" }
    MISSING_TEMPLATE {
        it: "il modello «{name}» che serve a questa pagina manca nel tema e in templates/",
        en: "the template `{name}` this page needs is missing from the theme and templates/",
    }
    // ---- Output files and their clashes (outputs.rs) ----
    OWNER_NOT_FOUND_PAGE { it: "la pagina «non trovata»", en: "the not-found page" }
    OWNER_SITEMAP { it: "la mappa del sito generata", en: "the generated sitemap" }
    OWNER_ROBOTS { it: "il robots.txt generato", en: "the generated robots.txt" }
    OWNER_PAGE { it: "la pagina {file}", en: "the page {file}" }
    OWNER_TERM_LIST { it: "il suo elenco di voci", en: "its list of terms" }
    OWNER_TERM_PAGE { it: "la pagina della sua voce «{term}»", en: "the page of its term `{term}`" }
    OWNER_OF_TAXONOMY { it: "{what} della tassonomia «{taxonomy}»", en: "{what} of taxonomy `{taxonomy}`" }
    OWNER_FILE { it: "il file {file}", en: "the file {file}" }
    OWNER_FORM_FILE { it: "un file del modulo in {file}", en: "a file of the form in {file}" }
    OWNER_FEED { it: "il feed della sezione «{section}»", en: "the feed of section `{section}`" }
    OWNER_TERM_FEED {
        it: "il feed della voce «{term}» della tassonomia «{taxonomy}»",
        en: "the feed of term `{term}` of taxonomy `{taxonomy}`",
    }
    OWNER_STATIC_FILE { it: "il file statico {file}", en: "the static file {file}" }
    OWNER_FINGERPRINTED {
        it: "la copia con impronta del file statico {file}",
        en: "the fingerprinted copy of the static file {file}",
    }
    TAXONOMY_OUTPUT_CLASH {
        it: "tassonomia «{taxonomy}»: {what} sostituirebbe {owner} ({path}): rinomina la tassonomia o la cartella",
        en: "taxonomy `{taxonomy}`: {what} would replace {owner} ({path}): rename the taxonomy or the folder",
    }
    BUNDLE_FILE_CLASH {
        it: "il file {path} del pacchetto {bundle} sostituirebbe {what}",
        en: "file {path} of the bundle {bundle} would replace {what}",
    }
    STATIC_FILE_CLASH {
        it: "il file statico {path} sostituirebbe {what}",
        en: "static file {path} would replace {what}",
    }
    ALIAS_WOULD_REPLACE {
        it: "sostituirebbe {what} ({path})",
        en: "would replace {what} ({path})",
    }
    ALIAS_FILE_WHERE_FOLDER {
        it: "scriverebbe il file {path} dove il sito ha bisogno di una cartella",
        en: "would write the file {path} where the site needs a folder",
    }
    ALIAS_FOLDER_WHERE_FILE {
        it: "avrebbe bisogno di una cartella {folder} dove c'è {what}",
        en: "would need a folder {folder} where {what} is written",
    }
    ALIAS_CLASH {
        it: "l'alias {alias} {problem}: toglilo o scegli un altro indirizzo",
        en: "alias {alias} {problem}: remove it or choose another address",
    }
    // ---- Taxonomies (taxonomy.rs) ----
    TAXONOMY_NAME_EMPTY {
        it: "la tassonomia «{name}» deve avere lettere o cifre nel nome",
        en: "taxonomy `{name}` needs letters or digits in its name",
    }
    TAXONOMY_NO_SECTION {
        it: "la tassonomia «{name}» indica la sezione «{section}», che non ha pagine in content/",
        en: "taxonomy `{name}` names section `{section}`, which has no pages in content/",
    }
    IN_TOP_LEVEL_PAGES { it: "nelle pagine di primo livello", en: "in the top-level pages" }
    IN_SECTION { it: "nella sezione «{section}»", en: "in section `{section}`" }
    TAXONOMY_NOT_HERE {
        it: "«{name}» non si può usare {here}: site.yaml la ammette solo in {allowed}",
        en: "`{name}` is not used {here}: site.yaml allows it in {allowed}",
    }
    HINT_DECLARED_TERMS { it: " (voci dichiarate in site.yaml: {list})", en: " (terms declared in site.yaml: {list})" }
    NO_SUCH_TERM { it: "«{name}» indica «{term}»: questa voce non esiste{why}", en: "`{name}` names `{term}`: no such term{why}" }
    TERM_EMPTY {
        it: "la voce «{term}» di «{name}» deve avere lettere o cifre",
        en: "term `{term}` of `{name}` needs letters or digits",
    }
    TERM_SLUG_CLASH {
        it: "la voce «{term}» di «{name}» avrebbe la stessa pagina ({url}) della voce «{first}» di {file}, che è un'altra: rinominane una (per esempio «C plus plus» invece di «C++»)",
        en: "term `{term}` of `{name}` would have the same page ({url}) as term `{first}` in {file}, which is another one: rename one of them (for example `C plus plus` instead of `C++`)",
    }
    TERM_SPELLING {
        it: "la voce «{term}» di «{name}» è scritta «{first}» in {file}: scrivila allo stesso modo ovunque",
        en: "term `{term}` of `{name}` is written `{first}` in {file}: write it the same way everywhere",
    }
    // ---- Ready to publish? (readiness.rs) ----
    NOT_PUBLIC_PRIVATE_ADDRESS { it: "è un indirizzo locale o privato", en: "is a local or private address" }
    NOT_PUBLIC_LOCAL_NAME { it: "è un nome locale", en: "is a local name" }
    NOT_PUBLIC_RESERVED_TESTS {
        it: "è un nome riservato agli esempi e alle prove",
        en: "is a name reserved for examples and tests",
    }
    NOT_PUBLIC_RESERVED_EXAMPLES { it: "è un nome riservato agli esempi", en: "is a name reserved for examples" }
    BASE_URL_NOT_PUBLIC {
        it: "«base_url» {url} {why}: prima di pubblicare imposta il vero indirizzo del sito (o costruiscilo con --base-url)",
        en: "`base_url` {url} {why}: set the site's real address before publishing (or build with --base-url)",
    }
    FORMS_ENDPOINT_NOT_PUBLIC {
        it: "«forms_endpoint» {url} {why}: i moduli verrebbero inviati lì; imposta l'indirizzo pubblico del servizio dei moduli",
        en: "`forms_endpoint` {url} {why}: forms would post there; set the forms service's public address",
    }
    FORMS_ENDPOINT_NOT_HTTPS {
        it: "«forms_endpoint» {url} non è HTTPS: quello che le persone scrivono nel modulo viaggerebbe in chiaro",
        en: "`forms_endpoint` {url} is not HTTPS: what people type in the form would travel unencrypted",
    }
    EXTRA_SETTING_EMPTY {
        it: "«extra.{name}» è vuoto: le pagine che lo mostrano dicono che è ancora da impostare; compilalo prima di pubblicare",
        en: "`extra.{name}` is empty: the pages that show it say it is still to be set; fill it in before publishing",
    }
    NO_DESCRIPTION {
        it: "la pagina non ha «description»: motori di ricerca e anteprime dei collegamenti ne mostrano una; aggiungi una frase",
        en: "the page has no `description`: search engines and link previews show one; add a sentence",
    }
    // ---- Forms (forms.rs) ----
    FORM_ID_TWICE { it: "l'id di modulo «{id}» è usato anche da {other}", en: "form id `{id}` is also used by {other}" }
    FORM_OPTIONS_EMPTY {
        it: "modulo «{id}»: «options_from: {section}» non offre opzioni: la sezione non ha pagine",
        en: "form `{id}`: `options_from: {section}` offers no options: the section has no pages",
    }
    // ---- Building (pipeline.rs) ----
    NOT_A_SITE {
        it: "{root} non è un sito ambito: non ha il file site.yaml",
        en: "{root} is not an ambito site: it has no site.yaml",
    }
    ERRORS_FOUND { it: "errori trovati: {count}", en: "{count} error(s) found" }
    CANNOT_WRITE { it: "impossibile scrivere {path}: {detail}", en: "cannot write {path}: {detail}" }
    CANNOT_COPY_BESIDE {
        it: "impossibile copiarlo accanto a {page}: {detail}",
        en: "cannot copy it beside {page}: {detail}",
    }
    CANNOT_COPY { it: "impossibile copiarlo: {detail}", en: "cannot copy: {detail}" }
    SECTIONS_NO_FOLDER {
        it: "«sections» configura «{key}», ma non c'è una cartella content/{key}/ con delle pagine",
        en: "`sections` configures `{key}`, but there is no folder content/{key}/ with pages",
    }
    // ---- Forms in front matter (form_spec.rs) ----
    QUOTED { it: "«{name}»", en: "`{name}`" }
    FORM_WHAT_FIELD { it: "un campo del modulo", en: "a form field" }
    FORM_WHAT_OPTION { it: "un'opzione", en: "an option" }
    FORM_WHAT_DOCUMENT { it: "un documento", en: "a document" }
    FORM_CALL_BAD_DATE {
        it: "«{key}» deve essere una data come 2026-12-01 o 2026-12-01 12:00 (ora italiana), trovato «{found}»",
        en: "`{key}` must be a date such as 2026-12-01 or 2026-12-01 12:00 (Europe/Rome), found `{found}`",
    }
    FORM_CALL_CLOSES_BEFORE_OPENS { it: "«closes» deve venire dopo «opens»", en: "`closes` must come after `opens`" }
    FORM_DOCUMENTS_NOT_LIST {
        it: "«documents» deve essere un elenco di voci con «label» e «link», trovato {found}",
        en: "`documents` must be a list of `label` and `link`, found {found}",
    }
    FORM_UNKNOWN_FILE_TYPE {
        it: "tipo di file sconosciuto «{kind}» in «accept»{hint}",
        en: "unknown file type `{kind}` in `accept`{hint}",
    }
    FORM_MULTIPLE_NOT_BOOL {
        it: "«multiple» deve essere true o false, trovato {found}",
        en: "`multiple` must be true or false, found {found}",
    }
    FORM_MAX_SIZE {
        it: "«max_size_mb» deve essere un numero intero da 1 a 100, trovato «{found}»",
        en: "`max_size_mb` must be a whole number from 1 to 100, found `{found}`",
    }
    FORM_ACCEPT_NOT_LIST {
        it: "«accept» deve essere un elenco di tipi di file (pdf, p7m, jpg, png), trovato {found}",
        en: "`accept` must be a list of file types (pdf, p7m, jpg, png), found {found}",
    }
    FORM_FILE_NEEDS_ACCEPT {
        it: "un campo «file» ha bisogno di «accept», l'elenco dei tipi di file che accetta (pdf, p7m, jpg, png)",
        en: "a `file` field needs `accept`, the list of file types it takes (pdf, p7m, jpg, png)",
    }
    FORM_ONLY_FOR_FILE { it: "«{key}» vale solo per i campi «file»", en: "`{key}` is only for `file` fields" }
    OPEN_DATA_UNKNOWN_FIELD {
        it: "sezione «{section}»: «open_data» {setting} nomina «{name}», che non è tra i suoi «fields»{hint}",
        en: "section `{section}`: `open_data` {setting} names `{name}`, which is not one of its `fields`{hint}",
    }
    OPEN_DATA_CANNOT_WRITE {
        it: "impossibile scrivere i dati aperti («open_data»): {detail}",
        en: "cannot write the open data (`open_data`): {detail}",
    }
    SEARCH_CANNOT_INDEX {
        it: "impossibile costruire l'indice di ricerca («search: true»): {detail}",
        en: "cannot build the search index (`search: true`): {detail}",
    }
    OWNER_OPEN_DATA_CATALOGUE { it: "il catalogo dei dati aperti", en: "the open data catalogue" }
    OWNER_OPEN_DATA { it: "i dati aperti della sezione «{section}»", en: "the open data of section `{section}`" }
    OWNER_SEARCH { it: "l'indice di ricerca", en: "the search index" }
    HINT_KEYS { it: " (chiavi: {list})", en: " (keys: {list})" }
    FORM_NOT_MAP {
        it: "{what} deve essere un gruppo di righe «chiave: valore», trovato {found}",
        en: "{what} must be a group of `key: value` lines, found {found}",
    }
    FORM_UNKNOWN_KEY { it: "chiave sconosciuta «{key}» in {what}{hint}", en: "unknown key `{key}` in {what}{hint}" }
    FORM_KEY_NOT_TEXT {
        it: "«{key}» di {what} deve essere un testo, trovato {found}",
        en: "`{key}` of {what} must be text, found {found}",
    }
    FORM_NEEDS_KEY { it: "manca «{key}» in {what}", en: "{what} needs `{key}`" }
    FORM_BAD_LINK {
        it: "«{key}» deve essere il collegamento a una pagina come @/privacy.md o un indirizzo, trovato «{value}»",
        en: "`{key}` must be a page link such as @/privacy.md or an address, found `{value}`",
    }
    FORM_BAD_NAME {
        it: "«{key}» può contenere solo lettere, cifre, - e _, trovato «{value}»",
        en: "`{key}` must use only letters, digits, - and _, found `{value}`",
    }
    FORM_NEEDS_FIELDS {
        it: "manca «fields», l'elenco dei campi, in {what}",
        en: "{what} needs `fields`, the list of its fields",
    }
    FORM_FIELDS_NOT_LIST { it: "«fields» deve essere un elenco, trovato {found}", en: "`fields` must be a list, found {found}" }
    FORM_FIELD_BAD_NAME {
        it: "il nome di campo «{name}» può contenere solo lettere, cifre, - e _",
        en: "field name `{name}` must use only letters, digits, - and _",
    }
    FORM_FIELD_TWICE {
        it: "il nome di campo «{name}» è usato due volte in questo modulo",
        en: "field name `{name}` is used twice in this form",
    }
    FORM_UNKNOWN_FIELD_TYPE { it: "tipo di campo sconosciuto «{kind}»{hint}", en: "unknown field type `{kind}`{hint}" }
    FORM_OPTIONS_FROM_NO_SECTION {
        it: "«options_from»: non esiste la sezione «{section}» in content/{hint}",
        en: "`options_from`: no section `{section}` in content/{hint}",
    }
    FORM_REQUIRED_NOT_BOOL {
        it: "«required» deve essere true o false, trovato {found}",
        en: "`required` must be true or false, found {found}",
    }
    FORM_MAX_LENGTH {
        it: "«max_length» deve essere un numero intero maggiore di 0, trovato {found}",
        en: "`max_length` must be a whole number above 0, found {found}",
    }
    FORM_VALUE_NOT_TEXT { it: "«{key}» deve essere un testo, trovato {found}", en: "`{key}` must be text, found {found}" }
    FORM_OPTIONS_NOT_LIST {
        it: "«options» deve essere un elenco di «value» e «label», trovato {found}",
        en: "`options` must be a list of `value` and `label`, found {found}",
    }
    FORM_CHOICE_NEEDS_OPTIONS {
        it: "un campo «{kind}» ha bisogno di «options» o «options_from»",
        en: "a `{kind}` field needs `options` or `options_from`",
    }
    FORM_OPTIONS_AND_FROM {
        it: "un campo prende «options» oppure «options_from», non tutti e due",
        en: "a field takes `options` or `options_from`, not both",
    }
    // ---- New pages (new_page.rs) ----
    NOT_A_SITE_BECAUSE { it: "{root} non è un sito ambito: {detail}", en: "{root} is not an ambito site: {detail}" }
    NEW_PAGE_BAD_NAME {
        it: "«{name}» non va bene come nome di pagina: usa lettere minuscole, cifre e trattini (per esempio «nuovo-servizio»)",
        en: "`{name}` cannot be a page's name: use lowercase letters, digits and hyphens (for example `nuovo-servizio`)",
    }
    NEW_PAGE_EXISTS { it: "{path} esiste già: scegli un altro nome", en: "{path} already exists: choose another name" }
    TEMPLATE_CONTEXT {
        it: "dati per il modello (dettaglio di Tera): {detail}",
        en: "template context: {detail}",
    }
    // ---- The preview (serve.rs) ----
    PREVIEW_UPDATED {
        it: "anteprima aggiornata: {pages} pagine in {ms} ms",
        en: "preview updated: {pages} pages in {ms} ms",
    }
    PREVIEW_PROBLEMS_ONE {
        it: "1 problema: il browser lo mostra; l'anteprima resta all'ultima versione corretta",
        en: "1 problem: the browser shows it; the preview stays at the last good version",
    }
    PREVIEW_PROBLEMS {
        it: "{count} problemi: il browser li mostra; l'anteprima resta all'ultima versione corretta",
        en: "{count} problems: the browser shows them; the preview stays at the last good version",
    }
    PREVIEW_INDEX_UPDATED {
        it: "indice della ricerca aggiornato in {ms} ms",
        en: "search index updated in {ms} ms",
    }
    PREVIEW_INDEX_FAILED {
        it: "impossibile aggiornare l'indice della ricerca: {detail}; la ricerca dell'anteprima non trova le ultime modifiche finché non salvi di nuovo",
        en: "cannot update the search index: {detail}; the preview's search misses the latest edits until you save again",
    }
    PREVIEW_INDEX_STOPPED {
        it: "l'aggiornamento dell'indice della ricerca si è fermato: la ricerca dell'anteprima non trova le ultime modifiche finché non riavvii «ambito serve»",
        en: "the search index stopped updating: the preview's search misses the latest edits until you restart `ambito serve`",
    }
    PORT_TAKEN { it: "la porta {port} è occupata: uso la {other}", en: "port {port} is taken: using {other}" }
    NO_PORT_TO_TRY { it: "nessuna porta da provare", en: "no port to try" }
    PREVIEW_CANNOT_START {
        it: "impossibile avviare l'anteprima: {detail}",
        en: "cannot start the preview: {detail}",
    }
    PREVIEW_CANNOT_LISTEN {
        it: "impossibile ascoltare su {addr}: {detail} (prova un'altra --port)",
        en: "cannot listen on {addr}: {detail} (try another --port)",
    }
    PREVIEW_NO_FOLDER {
        it: "impossibile creare la cartella dell'anteprima: {detail}",
        en: "cannot create the preview's folder: {detail}",
    }
    PREVIEW_NO_WATCH {
        it: "le modifiche non saranno viste da sole ({detail}): riavvia l'anteprima dopo aver salvato",
        en: "changes will not be seen by themselves ({detail}): restart the preview after saving",
    }
    PREVIEW_AT { it: "anteprima su {url} (Ctrl+C per fermarla)", en: "preview at {url} (Ctrl+C to stop it)" }
    // ---- The command (main.rs) ----
    /// A line of the command: `errore: …`, `avviso: …`.
    LABELLED { it: "{label}: {message}", en: "{label}: {message}" }
    WARNINGS_ONE { it: " (1 avviso)", en: " (1 warning)" }
    WARNINGS_MANY { it: " ({count} avvisi)", en: " ({count} warnings)" }
    BUILD_DONE {
        it: "costruite {pages} pagine in {ms} ms{warnings}",
        en: "built {pages} pages in {ms} ms{warnings}",
    }
    CHECK_DONE {
        it: "controllate {pages} pagine in {ms} ms{warnings}",
        en: "checked {pages} pages in {ms} ms{warnings}",
    }
    BUILD_FAILED_ONE {
        it: "1 errore trovato; nessun file è stato scritto, il sito precedente è invariato",
        en: "1 error found; nothing was written, the previous site is unchanged",
    }
    BUILD_FAILED_MANY {
        it: "{count} errori trovati; nessun file è stato scritto, il sito precedente è invariato",
        en: "{count} errors found; nothing was written, the previous site is unchanged",
    }
    CHECK_FAILED_ONE {
        it: "1 errore trovato: correggilo e lancia di nuovo «ambito check»",
        en: "1 error found: fix it and run `ambito check` again",
    }
    CHECK_FAILED_MANY {
        it: "{count} errori trovati: correggili e lancia di nuovo «ambito check»",
        en: "{count} errors found: fix them and run `ambito check` again",
    }
    NEW_PAGE_WRITTEN {
        it: "scritta {path}: compila i campi, poi «ambito check» dice cosa manca",
        en: "wrote {path}: fill in the fields, then `ambito check` tells you what is missing",
    }
    BAD_LANG { it: "lingua sconosciuta «{lang}»: usa it o en", en: "unknown language `{lang}`: use it or en" }
    GET_PAGE_NEEDS_PATH {
        it: "get_page vuole path=\"sezione/pagina.md\"",
        en: "get_page needs path=\"section/page.md\"",
    }
    GET_PAGE_NO_PAGE { it: "get_page: non esiste la pagina «{path}»", en: "get_page: no page `{path}`" }
    FUNCTION_VALUE_FAILED {
        it: "{function}: i dati non si possono preparare per il modello: {detail}",
        en: "{function}: its data cannot be made into template values: {detail}",
    }
    GET_SECTION_NEEDS_KEY { it: "get_section vuole key=\"sezione\"", en: "get_section needs key=\"section\"" }
    GET_SECTION_NO_SECTION {
        it: "get_section: non esiste la sezione «{key}»",
        en: "get_section: no section `{key}`",
    }
    // ---- Writing the output (output.rs) ----
    IO_NOT_FOUND { it: "il file o la cartella non esiste", en: "the file or folder does not exist" }
    IO_PERMISSION {
        it: "non hai il permesso di leggerlo o scriverlo (chiedi a chi gestisce il computer)",
        en: "you do not have permission to read or write it (ask whoever runs the computer)",
    }
    IO_BUSY {
        it: "la cartella è in uso da un altro programma, o è un disco collegato (un punto di montaggio) che non si può sostituire: scegline un'altra",
        en: "the folder is in use by another program, or is a mounted disk that cannot be replaced: choose another one",
    }
    IO_FULL { it: "il disco è pieno: libera spazio e riprova", en: "the disk is full: free some space and try again" }
    IO_READ_ONLY {
        it: "il disco si può solo leggere, non scrivere",
        en: "the disk is read-only",
    }
    ATOMIC_EXCHANGE_UNAVAILABLE {
        it: "lo scambio atomico delle cartelle non è disponibile",
        en: "atomic exchange not available",
    }
    // ---- Where --output may write (output_target.rs) ----
    OUTPUT_HOLDS_SITE {
        it: "non scrivo in «{output}»: contiene il sito stesso (site.yaml e content/), che andrebbe perso. Per --output scegli una cartella nuova, per esempio «public»",
        en: "not writing into `{output}`: it holds the site itself (site.yaml and content/), which would be lost. Choose a new folder for --output, such as `public`",
    }
    OUTPUT_IN_SOURCES {
        it: "non scrivo in «{output}»: è la cartella «{folder}» del sito o una sua sottocartella, e i file del sito andrebbero persi. Per --output scegli una cartella fuori da content/, themes/, static/ e templates/, per esempio «public»",
        en: "not writing into `{output}`: it is the site's `{folder}` folder or inside it, and the site's files would be lost. Choose a folder for --output outside content/, themes/, static/ and templates/, such as `public`",
    }
    OUTPUT_NOT_A_FOLDER {
        it: "non scrivo in «{output}»: è un file, non una cartella. Per --output scegli una cartella",
        en: "not writing into `{output}`: it is a file, not a folder. Choose a folder for --output",
    }
    OUTPUT_NOT_OURS {
        it: "non scrivo in «{output}»: la cartella contiene file che non ha scritto ambito, e andrebbero persi. Per --output scegli una cartella vuota o nuova",
        en: "not writing into `{output}`: the folder holds files ambito did not write, which would be lost. Choose an empty or new folder for --output",
    }
    USAGE_ERROR {
        it: "comando non valido (dettaglio in inglese): {detail}",
        en: "{detail}",
    }
    USAGE_HINT {
        it: "scrivi «ambito --help» per vedere i comandi e le loro opzioni",
        en: "run `ambito --help` to see the commands and their options",
    }
    // ---- `ambito --help` (main.rs, cli_help.rs) ----
    HELP_TEMPLATE {
        it: "{{about-with-newline}}\nUso: {{usage}}\n\n{{all-args}}",
        en: "{{about-with-newline}}\nUsage: {{usage}}\n\n{{all-args}}",
    }
    HELP_HEADING_COMMANDS { it: "Comandi", en: "Commands" }
    HELP_HEADING_OPTIONS { it: "Opzioni", en: "Options" }
    HELP_HEADING_ARGUMENTS { it: "Argomenti", en: "Arguments" }
    HELP_HELP { it: "Mostra questo aiuto", en: "Print this help" }
    HELP_VERSION { it: "Mostra la versione", en: "Print the version" }
    HELP_ABOUT {
        it: "Costruisce il sito della Zona Distretto Valle del Serchio da content/ e da un tema",
        en: "Builds the Zona Distretto Valle del Serchio site from content/ and a theme",
    }
    HELP_USAGE_ROOT { it: "ambito [OPZIONI] <COMANDO>", en: "ambito [OPTIONS] <COMMAND>" }
    HELP_USAGE_BUILD { it: "ambito build [OPZIONI]", en: "ambito build [OPTIONS]" }
    HELP_USAGE_CHECK { it: "ambito check [OPZIONI]", en: "ambito check [OPTIONS]" }
    HELP_USAGE_NEW {
        it: "ambito new [OPZIONI] <SEZIONE> <NOME>",
        en: "ambito new [OPTIONS] <SECTION> <NAME>",
    }
    HELP_USAGE_SERVE { it: "ambito serve [OPZIONI]", en: "ambito serve [OPTIONS]" }
    HELP_BUILD {
        it: "Costruisce il sito nella cartella di uscita (public/ se non indicata)",
        en: "Build the site into the output folder (public/ by default)",
    }
    HELP_CHECK {
        it: "Controlla tutto ciò che controlla la costruzione, senza scrivere nulla",
        en: "Check everything a build checks, without writing anything",
    }
    HELP_NEW {
        it: "Scrive una nuova pagina nella SEZIONE, con i campi che il suo schema chiede",
        en: "Write a new page in SECTION, with the fields its schema asks for",
    }
    HELP_SERVE {
        it: "Anteprima del sito: lo costruisce in una cartella privata (mai in public/), lo ricostruisce a ogni modifica e ricarica le pagine aperte",
        en: "Preview the site: build it in a private folder (never public/), rebuild on every change, reload open pages",
    }
    HELP_ARG_LANG {
        it: "Lingua dei messaggi: it o en. Se manca: inglese quando LC_ALL, LC_MESSAGES o LANG (il primo impostato) è inglese, altrimenti la lingua del sito («language» in site.yaml; italiano se non indicata)",
        en: "Language of messages: it or en. Without it: English when LC_ALL, LC_MESSAGES or LANG (the first set) is English, else the site's `language` (Italian by default)",
    }
    HELP_ARG_ROOT {
        it: "La cartella del sito, con site.yaml (predefinita: la cartella corrente)",
        en: "The site folder, with site.yaml (default: the current folder)",
    }
    HELP_ARG_OUTPUT {
        it: "Dove scrivere il sito (predefinita: public/ nella cartella del sito)",
        en: "Where to write the site (default: public/ in the site folder)",
    }
    HELP_ARG_BASE_URL {
        it: "Usa questo indirizzo del sito al posto di base_url di site.yaml",
        en: "Use this address instead of base_url from site.yaml",
    }
    HELP_ARG_FORMS_ENDPOINT {
        it: "Usa questo indirizzo del servizio dei moduli al posto di forms_endpoint di site.yaml",
        en: "Use this address of the forms service instead of forms_endpoint from site.yaml",
    }
    HELP_ARG_DRAFTS {
        it: "Pubblica anche le pagine con «draft: true» (bozze)",
        en: "Also publish pages marked `draft: true`",
    }
    HELP_ARG_DRAFTS_CHECK {
        it: "Controlla anche le pagine con «draft: true» (bozze)",
        en: "Also check pages marked `draft: true`",
    }
    HELP_ARG_STRICT {
        it: "Tratta gli avvisi come errori: non scrive nulla se il sito non è pronto per essere pubblicato",
        en: "Treat warnings as errors: write nothing unless the site is ready to publish",
    }
    HELP_ARG_STRICT_CHECK {
        it: "Tratta gli avvisi come errori",
        en: "Treat warnings as errors",
    }
    HELP_ARG_SECTION {
        it: "La sezione (la cartella dentro content/), per esempio comuni",
        en: "The section (the folder under content/), e.g. comuni",
    }
    HELP_ARG_NAME {
        it: "Il nome della pagina (il nome del file e del suo indirizzo), per esempio nuovo-servizio",
        en: "The page's name (its file name and address), e.g. nuovo-servizio",
    }
    HELP_ARG_PORT {
        it: "La porta su cui ascoltare (predefinita: 1111); se è occupata, la successiva libera",
        en: "Port to listen on (default: 1111); the next free one if it is taken",
    }
    HELP_ARG_BIND {
        it: "L’indirizzo su cui ascoltare (predefinito: 127.0.0.1, cioè solo questo computer)",
        en: "Address to listen on (default: 127.0.0.1: only this computer)",
    }
    HELP_ARG_NO_DRAFTS {
        it: "Nasconde le pagine con «draft: true» (nell’anteprima sono mostrate)",
        en: "Hide pages marked `draft: true` (shown by default in previews)",
    }
    HELP_VALUE_LANG { it: "LINGUA", en: "LANG" }
    HELP_VALUE_FOLDER { it: "CARTELLA", en: "FOLDER" }
    HELP_VALUE_ADDRESS { it: "INDIRIZZO", en: "ADDRESS" }
    HELP_VALUE_PORT { it: "PORTA", en: "PORT" }
    HELP_VALUE_SECTION { it: "SEZIONE", en: "SECTION" }
    HELP_VALUE_NAME { it: "NOME", en: "NAME" }
    // (new entries go above this line)
}

/// What went wrong with a file, for a person: the common cases of the
/// system's errors in words (a busy folder, a full disk), anything else
/// as the system says it.
pub fn io_detail(e: &std::io::Error) -> Message {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => msg!(IO_NOT_FOUND),
        ErrorKind::PermissionDenied => msg!(IO_PERMISSION),
        ErrorKind::ResourceBusy => msg!(IO_BUSY),
        ErrorKind::StorageFull => msg!(IO_FULL),
        ErrorKind::ReadOnlyFilesystem => msg!(IO_READ_ONLY),
        _ => msg!(VERBATIM, text = e.to_string()),
    }
}

#[cfg(test)]
mod io_tests {
    use super::*;

    #[test]
    fn system_errors_are_told_in_words() {
        let busy = std::io::Error::from_raw_os_error(16);
        assert_eq!(
            io_detail(&busy).render(Lang::It),
            "la cartella è in uso da un altro programma, o è un disco collegato (un punto di montaggio) che non si può sostituire: scegline un'altra"
        );
        let full = std::io::Error::from_raw_os_error(28);
        assert_eq!(
            io_detail(&full).render(Lang::It),
            "il disco è pieno: libera spazio e riprova"
        );
        let other = std::io::Error::other("strano");
        assert_eq!(io_detail(&other).render(Lang::It), "strano");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(text: &str) -> Vec<&str> {
        let mut names: Vec<&str> = pieces(text)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Placeholder(n) => Some(n),
                Piece::Text(_) => None,
            })
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    #[test]
    fn catalogue_is_complete() {
        let mut ids = std::collections::HashSet::new();
        for e in ALL {
            assert!(ids.insert(e.id), "{} is in the catalogue twice", e.id);
            if e.id != EMPTY.id {
                assert!(!e.it.is_empty(), "{} has no Italian text", e.id);
                assert!(!e.en.is_empty(), "{} has no English text", e.id);
                let words = |t: &str| {
                    pieces(t)
                        .into_iter()
                        .any(|p| matches!(p, Piece::Text(t) if t.chars().any(char::is_alphabetic)))
                };
                if words(e.en) {
                    assert_ne!(e.it, e.en, "{}: the Italian text is the English one", e.id);
                }
            }
            assert_eq!(
                placeholders(e.it),
                placeholders(e.en),
                "{}: the two texts have different placeholders",
                e.id
            );
            for name in placeholders(e.it) {
                assert!(
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                    "{}: bad placeholder {{{name}}}",
                    e.id
                );
            }
            assert!(
                !e.it.contains('`'),
                "{}: Italian texts quote names with «», not backticks",
                e.id
            );
        }
    }

    #[test]
    fn renders_arguments_in_the_same_language() {
        let hint = msg!(DID_YOU_MEAN, candidate = "istat");
        assert_eq!(hint.render(Lang::It), " (forse intendevi «istat»?)");
        assert_eq!(hint.render(Lang::En), " (did you mean `istat`?)");
        let among = msg!(AMONG, label = msg!(ERROR_LABEL), list = "a, b");
        assert_eq!(among.render(Lang::It), " (errore: a, b)");
        assert_eq!(among.render(Lang::En), " (error: a, b)");
    }

    #[test]
    fn braces_and_missing_arguments() {
        let parts: Vec<String> = pieces("a {{x}} {y} }")
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => t.to_string(),
                Piece::Placeholder(n) => format!("<{n}>"),
            })
            .collect();
        assert_eq!(parts.concat(), "a {x} <y> }");
        assert_eq!(
            msg!(DID_YOU_MEAN).render(Lang::En),
            " (did you mean `{candidate}`?)"
        );
    }

    #[test]
    fn language_precedence() {
        use Lang::{En, It};
        assert_eq!(Lang::choose(Some(En), Some("it_IT.UTF-8"), Some("it")), En);
        assert_eq!(Lang::choose(Some(It), Some("en_GB.UTF-8"), Some("en")), It);
        assert_eq!(Lang::choose(None, Some("en_GB.UTF-8"), Some("it")), En);
        assert_eq!(Lang::choose(None, Some("C.UTF-8"), Some("it")), It);
        assert_eq!(Lang::choose(None, Some("it_IT.UTF-8"), Some("it")), It);
        assert_eq!(Lang::choose(None, Some("it_IT.UTF-8"), Some("en")), En);
        assert_eq!(Lang::choose(None, None, None), It);
        assert_eq!(Lang::choose(None, Some("POSIX"), Some("de")), It);
        assert_eq!(Lang::from_code("en-US"), Some(En));
        assert_eq!(Lang::from_code("english"), None);
    }
}
