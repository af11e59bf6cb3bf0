use serde_json::json;

use crate::project::{ProjectCommand, parse_command};
use crate::{CommandParseErrorKind, parse_command as parse_any};

#[test]
fn parses_every_command() {
    let cases = [
        (
            "create",
            json!({ "name": " Launch ", "description": null }),
            ProjectCommand::Create {
                name: "Launch".into(),
                description: None,
            },
        ),
        (
            "rename",
            json!({ "name": "Go" }),
            ProjectCommand::Rename { name: "Go".into() },
        ),
        ("archive", json!({}), ProjectCommand::Archive),
        ("restore", json!(null), ProjectCommand::Restore),
        (
            "add-member",
            json!({ "member": "ada" }),
            ProjectCommand::AddMember {
                member: "ada".into(),
            },
        ),
        (
            "remove-member",
            json!({ "member": "ada" }),
            ProjectCommand::RemoveMember {
                member: "ada".into(),
            },
        ),
    ];
    for (name, body, expected) in cases {
        assert_eq!(parse_command(name, body), Ok(expected), "{name}");
    }
}

#[test]
fn every_name_in_names_parses() {
    for name in ProjectCommand::NAMES {
        let error = parse_command(name, json!({ "unexpected": 1 })).unwrap_err();
        assert_eq!(error.kind, CommandParseErrorKind::InvalidBody, "{name}");
    }
}

#[test]
fn unknown_commands_and_fields_are_refused() {
    assert_eq!(
        parse_command("explode", json!({})).unwrap_err().kind,
        CommandParseErrorKind::UnknownCommand
    );
    let error = parse_command("create", json!({ "nme": "typo" })).unwrap_err();
    assert_eq!(error.kind, CommandParseErrorKind::InvalidBody);
}

#[test]
fn missing_and_broken_fields_are_named() {
    let missing = parse_command("add-member", json!({})).unwrap_err();
    assert_eq!(missing.field.as_deref(), Some("member"));
    let long = parse_command("create", json!({ "name": "n".repeat(101) })).unwrap_err();
    assert_eq!(long.field.as_deref(), Some("name"));
    let typed = parse_command("rename", json!({ "name": 7 })).unwrap_err();
    assert_eq!(typed.field.as_deref(), Some("name"));
}

#[test]
fn control_characters_are_refused_through_the_shared_text_rules() {
    let error = parse_any::<crate::project::Project>(
        "create",
        json!({ "name": "ok", "description": "nul\u{0}" }),
    )
    .unwrap_err();
    assert_eq!(error.field.as_deref(), Some("description"));
}
