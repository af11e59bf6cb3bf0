//! The token verifier against real keys: HS256 with the shared secret, RS256
//! and ES256 from a JWKS file or URL (with rotation by `kid`), and every way a
//! token must be refused. The keys in `fixtures/` exist for these tests only.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use platform::auth::{AuthError, AuthSettings, JwksSource, Principal, Verifier};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SECRET: &str = "a-shared-secret-of-at-least-32-bytes!!";

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn claims() -> Value {
    json!({ "sub": "ada", "tenant_id": "acme", "scope": "commands:write queries:read", "exp": now() + 600 })
}

fn sign(algorithm: Algorithm, kid: Option<&str>, key: &EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

fn rsa(name: &str) -> EncodingKey {
    EncodingKey::from_rsa_pem(&std::fs::read(fixture(name)).unwrap()).unwrap()
}

fn ec(name: &str) -> EncodingKey {
    EncodingKey::from_ec_pem(&std::fs::read(fixture(name)).unwrap()).unwrap()
}

fn secret() -> EncodingKey {
    EncodingKey::from_secret(SECRET.as_bytes())
}

fn with_jwks(source: JwksSource) -> AuthSettings {
    AuthSettings {
        jwks: Some(source),
        hs256_secret: None,
        ..AuthSettings::hs256(SECRET)
    }
}

fn ada() -> Principal {
    Principal {
        subject: "ada".into(),
        tenant: "acme".into(),
        scopes: vec!["commands:write".into(), "queries:read".into()],
    }
}

fn is_unauthenticated(result: Result<Principal, AuthError>) -> bool {
    matches!(result, Err(AuthError::Unauthenticated(_)))
}

#[tokio::test]
async fn hs256_tokens_verify_and_every_defect_is_refused() {
    let settings = AuthSettings {
        issuer: Some("https://id.test".into()),
        audience: Some("cqrs".into()),
        ..AuthSettings::hs256(SECRET)
    };
    let verifier = Verifier::start(settings).await.unwrap();
    let good = || {
        let mut claims = claims();
        claims["iss"] = json!("https://id.test");
        claims["aud"] = json!(["other", "cqrs"]);
        claims
    };
    let token = sign(Algorithm::HS256, None, &secret(), &good());
    assert_eq!(verifier.verify(&token).await.unwrap(), ada());

    let mut late = good();
    late["exp"] = json!(now() - 10);
    assert!(
        verifier
            .verify(&sign(Algorithm::HS256, None, &secret(), &late))
            .await
            .is_ok(),
        "30 s leeway"
    );
    late["exp"] = json!(now() - 120);
    assert!(is_unauthenticated(
        verifier
            .verify(&sign(Algorithm::HS256, None, &secret(), &late))
            .await
    ));
    let mut early = good();
    early["nbf"] = json!(now() + 120);
    assert!(is_unauthenticated(
        verifier
            .verify(&sign(Algorithm::HS256, None, &secret(), &early))
            .await
    ));
    for (claim, value) in [("iss", json!("https://evil.test")), ("aud", json!("other"))] {
        let mut wrong = good();
        wrong[claim] = value;
        assert!(
            is_unauthenticated(
                verifier
                    .verify(&sign(Algorithm::HS256, None, &secret(), &wrong))
                    .await
            ),
            "{claim}"
        );
    }
    for claim in ["exp", "sub"] {
        let mut missing = good();
        missing.as_object_mut().unwrap().remove(claim);
        assert!(
            is_unauthenticated(
                verifier
                    .verify(&sign(Algorithm::HS256, None, &secret(), &missing))
                    .await
            ),
            "{claim}"
        );
    }
    let forged = sign(
        Algorithm::HS256,
        None,
        &EncodingKey::from_secret(b"another-secret-another-secret-xx"),
        &good(),
    );
    assert!(is_unauthenticated(verifier.verify(&forged).await));
    let hs512 = sign(Algorithm::HS512, None, &secret(), &good());
    assert!(
        is_unauthenticated(verifier.verify(&hs512).await),
        "only HS256 with the secret"
    );
    let mut no_tenant = good();
    no_tenant.as_object_mut().unwrap().remove("tenant_id");
    assert!(matches!(
        verifier
            .verify(&sign(Algorithm::HS256, None, &secret(), &no_tenant))
            .await,
        Err(AuthError::Forbidden(_))
    ));
    assert!(is_unauthenticated(verifier.verify("a.b.c").await));
}

#[tokio::test]
async fn the_tenant_claim_is_configurable_and_scp_lists_count() {
    let verifier = Verifier::start(AuthSettings {
        tenant_claim: "org".into(),
        ..AuthSettings::hs256(SECRET)
    })
    .await
    .unwrap();
    let token = sign(
        Algorithm::HS256,
        None,
        &secret(),
        &json!({ "sub": "ada", "org": "acme", "scp": ["commands:write", "queries:read"], "exp": now() + 60 }),
    );
    assert_eq!(verifier.verify(&token).await.unwrap(), ada());
}

#[tokio::test]
async fn rs256_and_es256_verify_against_a_jwks_file() {
    let verifier = Verifier::start(with_jwks(JwksSource::File(fixture("jwks-1.json"))))
        .await
        .unwrap();
    let rs = sign(
        Algorithm::RS256,
        Some("rsa-1"),
        &rsa("rsa-1.pem"),
        &claims(),
    );
    assert_eq!(verifier.verify(&rs).await.unwrap(), ada());
    let es = sign(Algorithm::ES256, Some("ec-1"), &ec("ec-1.pem"), &claims());
    assert_eq!(verifier.verify(&es).await.unwrap(), ada());

    // A key serves only its own algorithm, a token must name its key, and an
    // unknown key or a key that did not sign it proves nothing.
    let wrong_alg = sign(Algorithm::RS256, Some("ec-1"), &rsa("rsa-1.pem"), &claims());
    assert!(is_unauthenticated(verifier.verify(&wrong_alg).await));
    let no_kid = sign(Algorithm::RS256, None, &rsa("rsa-1.pem"), &claims());
    assert!(is_unauthenticated(verifier.verify(&no_kid).await));
    let unknown = sign(
        Algorithm::RS256,
        Some("rsa-2"),
        &rsa("rsa-2.pem"),
        &claims(),
    );
    assert!(is_unauthenticated(verifier.verify(&unknown).await));
    let impostor = sign(
        Algorithm::RS256,
        Some("rsa-1"),
        &rsa("rsa-2.pem"),
        &claims(),
    );
    assert!(is_unauthenticated(verifier.verify(&impostor).await));
    // No shared secret is configured, so no HS256 token is accepted, not even
    // one "signed" with a public key's bytes (algorithm confusion).
    let jwks = std::fs::read(fixture("jwks-1.json")).unwrap();
    let confused = sign(
        Algorithm::HS256,
        Some("rsa-1"),
        &EncodingKey::from_secret(&jwks),
        &claims(),
    );
    assert!(is_unauthenticated(verifier.verify(&confused).await));
}

#[tokio::test]
async fn a_jwks_url_is_refreshed_so_keys_can_rotate() {
    let document = Arc::new(Mutex::new(std::fs::read(fixture("jwks-1.json")).unwrap()));
    let url = serve(document.clone()).await;
    let verifier = Verifier::start(AuthSettings {
        jwks_refresh: Duration::from_secs(1),
        ..with_jwks(JwksSource::Url(url))
    })
    .await
    .unwrap();
    let old = sign(
        Algorithm::RS256,
        Some("rsa-1"),
        &rsa("rsa-1.pem"),
        &claims(),
    );
    let new = sign(
        Algorithm::RS256,
        Some("rsa-2"),
        &rsa("rsa-2.pem"),
        &claims(),
    );
    assert!(verifier.verify(&old).await.is_ok());
    assert!(is_unauthenticated(verifier.verify(&new).await));

    // The provider rotates: rsa-2 in, rsa-1 out.
    *document.lock().unwrap() = std::fs::read(fixture("jwks-2.json")).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while verifier.verify(&new).await.is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the rotated key was never picked up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        is_unauthenticated(verifier.verify(&old).await),
        "a retired key is retired"
    );
}

/// A one-route HTTP server on loopback answering every request with `document`.
async fn serve(document: Arc<Mutex<Vec<u8>>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let document = document.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let body = document.lock().unwrap().clone();
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    url
}
