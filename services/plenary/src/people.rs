//! The demo people: who they are, their organisations and roles per group, and their tokens.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context;
use domain::policy::Role;
use platform::auth::{Authenticator, Identity};
use serde::Serialize;

pub const SECRETARIAT: &str = "elena.rossi";
pub const TSAG_MEMBER: &str = "kwame.mensah";
pub const CHAIR: &str = "david.wen";
pub const VICE_CHAIR: &str = "amina.diallo";
pub const EDITOR: &str = "maria.santos";
pub const SECOND_EDITOR: &str = "kenji.tanaka";
pub const CENTRAL_BANK_DELEGATE: &str = "li.wei";
pub const FINTECH_DELEGATE: &str = "sarah.okafor";
pub const DCGI_DELEGATE: &str = "omar.haddad";

/// Registered as FG DFC participants by the demo.
pub const FG_DFC_PARTICIPANTS: [&str; 7] = [
    CHAIR,
    VICE_CHAIR,
    EDITOR,
    SECOND_EDITOR,
    CENTRAL_BANK_DELEGATE,
    FINTECH_DELEGATE,
    TSAG_MEMBER,
];

#[derive(Debug, Clone)]
pub struct DemoPerson {
    pub identity: Identity,
    /// What they do in the demo: "Chair of FG DFC".
    pub description: &'static str,
    /// Membership category, as the groups API spells it.
    pub category: &'static str,
    pub country: Option<&'static str>,
}

/// A demo person with a freshly minted token, as `GET /api/demo/people` lists them.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoToken {
    pub person: String,
    pub display_name: String,
    pub organisation: String,
    pub description: String,
    pub token: String,
}

/// One row of the demo cast.
struct Entry {
    sub: &'static str,
    name: &'static str,
    org: &'static str,
    roles: &'static [(&'static str, Role)],
    secretariat: bool,
    description: &'static str,
    category: &'static str,
    country: Option<&'static str>,
}

const CAST: [Entry; 9] = [
    Entry {
        sub: SECRETARIAT,
        name: "Elena Rossi",
        org: "ITU TSB",
        roles: &[],
        secretariat: true,
        description: "Secretariat (ITU TSB)",
        category: "memberState",
        country: None,
    },
    Entry {
        sub: TSAG_MEMBER,
        name: "Kwame Mensah",
        org: "National Communications Authority, Ghana",
        roles: &[("tsag", Role::Delegate), ("fg-dfc", Role::Delegate)],
        secretariat: false,
        description: "TSAG member",
        category: "memberState",
        country: Some("GH"),
    },
    Entry {
        sub: CHAIR,
        name: "David Wen",
        org: "eCurrency",
        roles: &[("fg-dfc", Role::Delegate), ("fg-dfc", Role::Chair)],
        secretariat: false,
        description: "Chair of FG DFC",
        category: "sectorMember",
        country: Some("US"),
    },
    Entry {
        sub: VICE_CHAIR,
        name: "Amina Diallo",
        org: "BCEAO (Central Bank of West African States)",
        roles: &[("fg-dfc", Role::Delegate), ("fg-dfc", Role::ViceChair)],
        secretariat: false,
        description: "Vice-chair of FG DFC",
        category: "memberState",
        country: Some("SN"),
    },
    Entry {
        sub: EDITOR,
        name: "Maria Santos",
        org: "Banco Central do Brasil",
        roles: &[("fg-dfc", Role::Delegate), ("fg-dfc", Role::Editor)],
        secretariat: false,
        description: "Editor, FG DFC (security architecture)",
        category: "memberState",
        country: Some("BR"),
    },
    Entry {
        sub: SECOND_EDITOR,
        name: "Kenji Tanaka",
        org: "Kumo Payments",
        roles: &[("fg-dfc", Role::Delegate), ("fg-dfc", Role::Editor)],
        secretariat: false,
        description: "Editor, FG DFC (terminology)",
        category: "sectorMember",
        country: Some("JP"),
    },
    Entry {
        sub: CENTRAL_BANK_DELEGATE,
        name: "Li Wei",
        org: "People's Bank of China",
        roles: &[("fg-dfc", Role::Delegate)],
        secretariat: false,
        description: "Delegate, FG DFC (central bank)",
        category: "memberState",
        country: Some("CN"),
    },
    Entry {
        sub: FINTECH_DELEGATE,
        name: "Sarah Okafor",
        org: "MobiPay Ltd",
        roles: &[("fg-dfc", Role::Delegate)],
        secretariat: false,
        description: "Delegate, FG DFC (fintech)",
        category: "individual",
        country: Some("NG"),
    },
    Entry {
        sub: DCGI_DELEGATE,
        name: "Omar Haddad",
        org: "Central Bank of Jordan",
        roles: &[("dcgi-airu", Role::Delegate)],
        secretariat: false,
        description: "Delegate, DCGI AIRU",
        category: "memberState",
        country: Some("JO"),
    },
];

pub fn demo_people() -> Vec<DemoPerson> {
    CAST.iter()
        .map(|entry| {
            let mut roles: BTreeMap<String, BTreeSet<Role>> = BTreeMap::new();
            for (group, role) in entry.roles {
                roles.entry((*group).to_string()).or_default().insert(*role);
            }
            DemoPerson {
                identity: Identity {
                    sub: entry.sub.into(),
                    name: entry.name.into(),
                    org: entry.org.into(),
                    roles,
                    secretariat: entry.secretariat,
                },
                description: entry.description,
                category: entry.category,
                country: entry.country,
            }
        })
        .collect()
}

/// A token for every demo person.
pub fn tokens(auth: &Authenticator) -> anyhow::Result<Vec<DemoToken>> {
    demo_people()
        .into_iter()
        .map(|person| {
            let token = auth
                .mint_token(&person.identity)
                .context("demo tokens need dev auth mode")?;
            Ok(DemoToken {
                person: person.identity.sub,
                display_name: person.identity.name,
                organisation: person.identity.org,
                description: person.description.to_string(),
                token,
            })
        })
        .collect()
}
