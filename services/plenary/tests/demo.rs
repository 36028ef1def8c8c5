//! The demo seeds a fresh log through the ordinary commands, as the demo people.

use platform::testing::TestApp;

#[tokio::test]
async fn the_demo_seeds_every_step_through_the_commands() {
    let app = TestApp::spawn(plenary::services()).await;
    let tokens = plenary::people::tokens(app.platform.auth()).unwrap();
    let demo = plenary::demo::seed(&app.address, &tokens).await.unwrap();
    assert!(demo.meeting_id.is_some());
    let numbers: Vec<&str> = demo.contributions.keys().map(String::as_str).collect();
    assert_eq!(numbers, ["DFC-I-001", "DFC-I-002", "DFC-I-003"]);
    assert!(app.head().await.is_some());
}

#[test]
fn every_demo_token_carries_its_persons_roles() {
    let dir = tempfile::tempdir().unwrap();
    let settings = platform::Settings::for_tests(dir.path());
    let auth =
        platform::auth::Authenticator::dev(b"0123456789abcdef0123456789abcdef", &settings.auth);
    let tokens = plenary::people::tokens(&auth).unwrap();
    let people = plenary::people::demo_people();
    assert_eq!(tokens.len(), people.len());
    for (token, person) in tokens.iter().zip(&people) {
        let claims = auth.verify(&token.token).unwrap();
        assert_eq!(claims.sub, person.identity.sub);
        assert_eq!(claims.roles, person.identity.roles);
        assert_eq!(claims.secretariat, person.identity.secretariat);
    }
    let chair = auth
        .verify(
            &tokens
                .iter()
                .find(|t| t.person == plenary::people::CHAIR)
                .unwrap()
                .token,
        )
        .unwrap();
    assert!(chair.principal().chairs("fg-dfc"));
}
