//! The expression-of-interest form as the generator compiles it from
//! `content/`, validated as the forms service validates a post: the
//! shared `ambito-form` crate against the real definition.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ambito::form::*;

/// The expression-of-interest form, as the generator compiles it from
/// content/partecipa/manifestazione-di-interesse/_index.md (built once).
fn definition() -> FormDefinition {
    static DEF: std::sync::OnceLock<FormDefinition> = std::sync::OnceLock::new();
    DEF.get_or_init(|| {
        let out = tempfile::tempdir().expect("tempdir");
        let mut opts = ambito::BuildOptions::new(env!("CARGO_MANIFEST_DIR"));
        opts.output = Some(out.path().join("public"));
        ambito::build(&opts).expect("the real site builds");
        let path = out.path().join(
            "public/partecipa/manifestazione-di-interesse/manifestazione-di-interesse.form.json",
        );
        let def: FormDefinition =
            serde_json::from_str(&std::fs::read_to_string(path).expect("compiled form"))
                .expect("definition parses");
        def.check().expect("definition is consistent");
        def
    })
    .clone()
}

fn valid() -> Vec<(String, String)> {
    [
        ("denominazione", "Associazione Esempio"),
        ("forma_giuridica", "aps"),
        ("codice_fiscale", "12345678903"),
        ("sede_legale", "Via Roma 1, 55051 Barga"),
        ("legale_rappresentante", "Anna Bianchi"),
        ("referente", "Luca Verdi"),
        ("email", "segreteria@esempio.it"),
        ("telefono", "0583 123456"),
        ("comuni", "gallicano"),
        ("comuni", "barga"),
        ("linee", "inclusione-dei-minori"),
        ("esperienza", "Doposcuola\r\nda dieci anni."),
        ("privacy", "on"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn with(field: &str, value: &str) -> Vec<(String, String)> {
    let mut raw: Vec<(String, String)> = valid().into_iter().filter(|(k, _)| k != field).collect();
    raw.push((field.to_string(), value.to_string()));
    raw
}

fn error_of(raw: &[(String, String)], field: &str) -> String {
    match validate(&definition(), raw) {
        Err(Validation::Fields(errors)) => errors.iter().find(|e| e.field == field).map_or_else(
            || panic!("no error for {field}: {errors:?}"),
            |e| e.message.clone(),
        ),
        other => panic!("expected field errors for {field}, got {other:?}"),
    }
}

#[test]
fn a_valid_submission_is_normalised_and_ordered() {
    let sub = validate(&definition(), &valid()).expect("valid");
    let names: Vec<&str> = sub.answers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "denominazione",
            "forma_giuridica",
            "codice_fiscale",
            "sede_legale",
            "legale_rappresentante",
            "referente",
            "email",
            "telefono",
            "comuni",
            "linee",
            "esperienza",
            "privacy"
        ]
    );
    let get = |n: &str| {
        sub.answers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, a)| a.clone())
    };
    assert_eq!(get("telefono"), Some(Answer::One("+390583123456".into())));
    // Multiselect values follow the definition's order (Barga before Gallicano).
    assert_eq!(
        get("comuni"),
        Some(Answer::Many(vec!["barga".into(), "gallicano".into()]))
    );
    assert_eq!(
        get("esperienza"),
        Some(Answer::One("Doposcuola\nda dieci anni.".into()))
    );
    assert_eq!(get("privacy"), Some(Answer::Consent(true)));
    assert_eq!(
        definition().sender_email(&sub),
        Some("segreteria@esempio.it")
    );
    let comuni = definition().field("comuni").cloned().unwrap();
    assert_eq!(get("comuni").unwrap().display(&comuni), "Barga, Gallicano");
}

#[test]
fn every_field_type_rejects_its_invalid_values() {
    let cases: &[(&str, &str, &str)] = &[
        ("denominazione", "", "Compila il campo «Denominazione dell’organizzazione»."),
        ("denominazione", &"x".repeat(201), "«Denominazione dell’organizzazione»: puoi scrivere al massimo 200 caratteri."),
        ("forma_giuridica", "spa", "«Forma giuridica»: scegli una delle voci proposte."),
        ("codice_fiscale", "12345678901", "«Codice fiscale dell’organizzazione»: le 11 cifre non formano un codice fiscale valido: l’ultima, la cifra di controllo, non corrisponde alle altre. Controlla di non aver scambiato o sbagliato una cifra."),
        ("codice_fiscale", "1234567890", "«Codice fiscale dell’organizzazione»: il codice fiscale di un ente ha 11 cifre, ne hai scritte 10: controlla di averlo copiato per intero."),
        ("email", "segreteria@", "«Email»: scrivi un indirizzo email valido, ad esempio nome@esempio.it."),
        ("pec", "ente-at-pec.it", "«PEC»: scrivi un indirizzo PEC valido, ad esempio ente@pec.it."),
        ("telefono", "123", "«Telefono»: scrivi un numero di telefono italiano, fisso o cellulare, ad esempio 0583 123456."),
        ("comuni", "lucca", "«Comuni in cui opera l’organizzazione»: scegli tra le voci proposte."),
        ("linee", "", "«Linee di intervento che vuole coprogettare»: scegli almeno una voce."),
        ("esperienza", &"x".repeat(3001), "«Esperienza dell’organizzazione»: puoi scrivere al massimo 3000 caratteri."),
        ("privacy", "", "Per inviare la richiesta devi spuntare «Ho letto l’informativa sul trattamento dei dati personali»."),
    ];
    for (field, value, message) in cases {
        let raw = with(field, value);
        let raw: Vec<(String, String)> = if *field == "comuni" || *field == "linee" {
            raw.into_iter()
                .filter(|(k, v)| k != field || v == value)
                .collect()
        } else {
            raw
        };
        assert_eq!(&error_of(&raw, field), message, "{field}={value:?}");
    }
}

#[test]
fn personal_codice_fiscale_fields() {
    let mut def = definition();
    def.fields.push(FieldDef {
        name: "cf_rappresentante".into(),
        label: "Codice fiscale del legale rappresentante".into(),
        kind: FieldKind::CodiceFiscale,
        required: true,
        help: None,
        options: vec![],
        max_length: None,
        autocomplete: None,
        accept: vec![],
        max_size_mb: None,
        multiple: false,
    });
    let mut raw = valid();
    raw.push(("cf_rappresentante".into(), "rssmra85t10a562s".into()));
    let sub = validate(&def, &raw).expect("valid");
    assert!(sub.answers.contains(&(
        "cf_rappresentante".into(),
        Answer::One("RSSMRA85T10A562S".into())
    )));
    raw.pop();
    raw.push(("cf_rappresentante".into(), "RSSMRA85T10A562X".into()));
    assert!(
        matches!(validate(&def, &raw), Err(Validation::Fields(e)) if e[0].field == "cf_rappresentante")
    );
}

#[test]
fn line_breaks_are_refused_in_every_single_line_field() {
    let def = definition();
    for field in def.fields.iter().filter(|f| {
        f.kind.single_line()
            && !matches!(
                f.kind,
                FieldKind::Consent | FieldKind::Multiselect | FieldKind::Select | FieldKind::File
            )
    }) {
        for injected in ["x\r\nBcc: a@b.it", "x\nBcc: a@b.it", "x\rTo: a@b.it"] {
            let raw = with(&field.name, injected);
            let result = validate(&def, &raw);
            assert!(
                matches!(&result, Err(Validation::Fields(e)) if e.iter().any(|e| e.field == field.name)),
                "{}: {result:?}",
                field.name
            );
        }
    }
}

#[test]
fn duplicates_and_unknown_fields() {
    let mut raw = valid();
    raw.push(("email".into(), "altro@esempio.it".into()));
    assert_eq!(
        validate(&definition(), &raw),
        Err(Validation::Input(InputError::Duplicate("email".into())))
    );
    let mut raw = valid();
    raw.push(("campo_sconosciuto".into(), "x".into()));
    assert!(
        validate(&definition(), &raw).is_ok(),
        "unknown fields are ignored"
    );
}

#[test]
fn all_errors_at_once() {
    let Err(Validation::Fields(errors)) = validate(&definition(), &[]) else {
        panic!("expected errors")
    };
    let required = definition().fields.iter().filter(|f| f.required).count();
    assert_eq!(errors.len(), required);
}

#[test]
fn html_form_is_accessible_and_keeps_values() {
    let def = definition();
    let values = with("email", "sbagliata@");
    let Err(Validation::Fields(errors)) = validate(&def, &values) else {
        panic!()
    };
    let filled = html::Filled {
        values: &values,
        errors: &errors,
        held: &[],
    };
    let form = html::form(
        &def,
        "/forms/manifestazione-di-interesse",
        Some("/privacy/"),
        filled,
    );
    let summary = html::error_summary(&def, &errors);
    assert!(summary.contains("<h2 id=\"riepilogo-errori-titolo\">C’è un errore da correggere</h2>"));
    assert!(summary.contains("<a href=\"#campo-email\">«Email»: scrivi un indirizzo email valido, ad esempio nome@esempio.it.</a>"));
    // Every visible input has a label.
    for field in &def.fields {
        let id = html::input_id(&field.name);
        match field.kind {
            FieldKind::Multiselect => assert!(form.contains(&format!("<label for=\"{id}-0\">"))),
            _ => assert!(form.contains(&format!("<label for=\"{id}\">")), "{id}"),
        }
    }
    assert!(form.contains("<input type=\"email\" id=\"campo-email\" name=\"email\" value=\"sbagliata@\" spellcheck=\"false\" autocomplete=\"email\" aria-describedby=\"campo-email-aiuto campo-email-errore\" aria-invalid=\"true\" required>"), "{form}");
    assert!(form.contains(
        "<input type=\"checkbox\" id=\"campo-comuni-1\" name=\"comuni\" value=\"barga\" checked>"
    ));
    assert!(form.contains("<option value=\"aps\" selected>"));
    assert!(form.contains("<legend>Comuni in cui opera l’organizzazione <span class=\"obbligatorio\">(obbligatorio)</span></legend>"));
    assert!(form.contains("<a href=\"/privacy/\">"));
    assert!(form.contains("<div class=\"hp\" aria-hidden=\"true\" hidden>"));
    assert!(form.contains("tabindex=\"-1\" autocomplete=\"off\""));
    // Typed text is escaped, never markup.
    let values = with("denominazione", "<script>alert(1)</script>");
    let form = html::form(
        &def,
        "/x",
        None,
        html::Filled {
            values: &values,
            errors: &[],
            held: &[],
        },
    );
    assert!(form.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\""));
}

#[test]
fn a_file_kept_by_the_service_is_shown_and_sent_again_as_a_token() {
    let def: FormDefinition = serde_json::from_value(serde_json::json!({
        "id": "f", "title": "Modulo", "thank_you_url": "/grazie/", "honeypot": "hp",
        "fields": [{ "name": "domanda", "label": "Domanda", "type": "file",
                     "accept": ["pdf"], "required": true }]
    }))
    .unwrap();
    let held = [html::HeldFile {
        field: "domanda".into(),
        name: "<b>firmata</b>.pdf".into(),
        size: "12,3 kB".into(),
        token: "0123456789abcdef0123456789abcdef".into(),
    }];
    let form = html::form(
        &def,
        "/x",
        None,
        html::Filled {
            held: &held,
            ..Default::default()
        },
    );
    assert!(form.contains("<p class=\"file-caricato\" id=\"campo-domanda-caricato\">File già caricato: «&lt;b&gt;firmata&lt;/b&gt;.pdf» (12,3 kB) — puoi sceglierne un altro, altrimenti viene inviato questo.</p>"), "{form}");
    assert!(form.contains("<input type=\"hidden\" name=\"_file_caricati_domanda\" value=\"0123456789abcdef0123456789abcdef\">"));
    assert!(
        form.contains("aria-describedby=\"campo-domanda-caricato\">"),
        "{form}"
    );
    // Already answered: the browser must not ask for a file again.
    assert!(!form.contains(" required>"), "{form}");
}

#[test]
fn email_addresses_the_mailer_cannot_use_are_refused() {
    use ambito::form::checks::email;
    for bad in [
        ".a@esempio.it",
        "a.@esempio.it",
        "a..b@esempio.it",
        "a@esempio",
        "a@-esempio.it",
        "a@esempio..it",
        "a b@esempio.it",
        "a@[192.0.2.1]",
        "@esempio.it",
        "\":\"@esempio.it",
        "\"nome\"@esempio.it",
    ] {
        assert_eq!(email(bad), None, "{bad}");
    }
    for good in [
        "segreteria@esempio.it",
        "nome.cognome+moduli@pec.esempio.it",
        "città@esempio.it",
    ] {
        assert_eq!(email(good).as_deref(), Some(good));
    }
}

#[test]
fn phone_numbers_are_shown_grouped() {
    use ambito::form::checks::tel_display;
    assert_eq!(tel_display("+390583123456"), "+39 0583 123456");
    assert_eq!(tel_display("+390612345678"), "+39 06 12345678");
    assert_eq!(tel_display("+39055123456"), "+39 055 123456");
    assert_eq!(tel_display("+393471234567"), "+39 347 1234567");
    assert_eq!(tel_display("qualcosa"), "qualcosa");
    let def = definition();
    let field = def.field("telefono").unwrap();
    assert_eq!(
        Answer::One("+390583123456".into()).display(field),
        "+39 0583 123456"
    );
}

#[test]
fn a_honeypot_catch_keeps_only_the_forms_fields_cut_to_their_limits() {
    let def = definition();
    let mut raw: Vec<(String, String)> = (0..500)
        .map(|i| (format!("=HYPERLINK(\"x{i}\")"), "spam".to_string()))
        .collect();
    raw.push(("denominazione".into(), "x".repeat(10_000)));
    raw.push((def.honeypot.clone(), "bot".into()));
    let kept = honeypot_answers(&def, &raw);
    assert_eq!(
        kept.len(),
        1,
        "{:?}",
        kept.iter().map(|k| &k.0).collect::<Vec<_>>()
    );
    assert_eq!(kept[0].0, "denominazione");
    assert_eq!(kept[0].1.chars().count(), 200);
}

#[test]
fn a_required_file_must_be_there_and_text_checks_leave_files_alone() {
    let mut def = definition();
    def.fields.push(FieldDef {
        name: "domanda".into(),
        label: "Domanda firmata".into(),
        kind: FieldKind::File,
        required: true,
        help: None,
        options: vec![],
        max_length: None,
        autocomplete: None,
        accept: vec![filetype::FileType::Pdf],
        max_size_mb: None,
        multiple: false,
    });
    let Err(Validation::Fields(errors)) = validate(&def, &valid()) else {
        panic!("a missing required file is an error");
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "domanda");
    assert_eq!(
        errors[0].message,
        "Allega il file richiesto in «Domanda firmata»."
    );
    let mut raw = valid();
    raw.push(("domanda".into(), "domanda.pdf".into()));
    let sub = validate(&def, &raw).unwrap();
    assert!(sub.answers.iter().all(|(n, _)| n != "domanda"));
}
