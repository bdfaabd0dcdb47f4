use super::*;

const YEAR: u64 = 365 * 86_400;

fn set(name: &str) -> CookieShape<'_> {
    CookieShape::named(name)
}

fn readable_for_a_year(name: &str) -> CookieShape<'_> {
    CookieShape {
        lifetime: Lifetime::Seconds(YEAR),
        ..set(name)
    }
}

fn http_only_session(name: &str) -> CookieShape<'_> {
    CookieShape {
        http_only: true,
        lifetime: Lifetime::Session,
        ..set(name)
    }
}

#[test]
fn a_cart_kept_for_a_year_and_readable_by_scripts_is_kept() {
    for name in ["cart", "shop_cart", "basket_id", "woocommerce_cart_hash"] {
        let shape = readable_for_a_year(name);
        assert_eq!(
            decide(&shape, Category::Marketing),
            Category::Necessary,
            "{name}: {:?}",
            guess(&shape)
        );
    }
}

#[test]
fn session_and_csrf_cookies_are_kept_however_they_are_set() {
    for name in [
        "app_session",
        "csrftoken",
        "XSRF-TOKEN",
        "shop_sess",
        "lang",
    ] {
        for shape in [readable_for_a_year(name), http_only_session(name)] {
            assert_eq!(
                decide(&shape, Category::Marketing),
                Category::Necessary,
                "{shape:?}"
            );
        }
    }
}

#[test]
fn a_visitor_id_dressed_as_an_http_only_session_cookie_is_stripped() {
    for name in [
        "_uid",
        "_vid_t",
        "visitor_id",
        "_fbp_x",
        "utm_source_tracking",
    ] {
        let shape = http_only_session(name);
        let category = decide(&shape, Category::Marketing);
        assert!(
            matches!(category, Category::Analytics | Category::Marketing),
            "{name}: {category:?}, {:?}",
            guess(&shape)
        );
    }
}

#[test]
fn analytics_and_ad_values_give_a_tracker_away_whatever_its_name() {
    let ga = CookieShape {
        value: Some("GA1.2.1234567890.1700000000"),
        ..http_only_session("site_state")
    };
    assert_eq!(decide(&ga, Category::Marketing), Category::Analytics);
    let fbp = CookieShape {
        value: Some("fb.1.1700000000000.1234567890"),
        ..http_only_session("site_state")
    };
    assert_eq!(decide(&fbp, Category::Marketing), Category::Marketing);
}

#[test]
fn an_unsure_name_falls_back_on_its_flags() {
    // A name that says nothing either way: its flags decide, as before guessing.
    let name = "zq";
    let unsure = guess(&readable_for_a_year(name));
    if unsure.functional > CONFIDENT_TRACKER && unsure.functional < CONFIDENT_FUNCTIONAL {
        assert_eq!(
            decide(&http_only_session(name), Category::Marketing),
            Category::Necessary
        );
        assert_eq!(
            decide(&readable_for_a_year(name), Category::Preferences),
            Category::Preferences
        );
    }
}

#[test]
fn a_request_cookie_is_judged_by_its_name_only_when_sure() {
    assert_eq!(decide_by_name("cart"), Some(Category::Necessary));
    assert!(matches!(
        decide_by_name("_uid"),
        Some(Category::Analytics | Category::Marketing)
    ));
}

#[test]
fn a_guess_is_a_probability() {
    for name in ["", "_ga", "PHPSESSID", "x", "éèà", "a=b;c", "\u{0}\u{7f}"] {
        let g = guess(&set(name));
        assert!(
            (0.0..=1.0).contains(&g.confidence) && (0.0..=1.0).contains(&g.functional),
            "{name:?}: {g:?}"
        );
        assert!(g.confidence >= 1.0 / 3.0 - 1e-6);
    }
}

#[test]
fn empty_huge_and_malformed_cookies_never_panic() {
    let huge = "a".repeat(1 << 20);
    let ids = "_x9Z".repeat(100_000);
    let unicode = "ßüñ🍪".repeat(10_000);
    let values = [
        "",
        "\"\"",
        "GA1",
        "GA1.",
        "GA1.2",
        "fb.",
        "fb.1.",
        huge.as_str(),
        ids.as_str(),
        unicode.as_str(),
    ];
    for name in ["", huge.as_str(), ids.as_str(), unicode.as_str(), "=", ";;"] {
        for value in values {
            let shape = CookieShape {
                value: Some(value),
                same_site: Some(SameSite::None),
                domain: Some(""),
                lifetime: Lifetime::Seconds(u64::MAX),
                ..set(name)
            };
            let g = guess(&shape);
            assert!(g.functional.is_finite() && g.confidence.is_finite());
            decide(&shape, Category::Marketing);
        }
    }
}

#[test]
fn the_shape_of_a_set_cookie_is_read_from_its_attributes() {
    let cookie = Cookie::parse(
        "cart=abc; Max-Age=600; HttpOnly; Secure; SameSite=Lax; Domain=.shop.example",
    )
    .expect("a valid Set-Cookie");
    let shape = CookieShape::of_set_cookie(&cookie, 0);
    assert_eq!(
        shape,
        CookieShape {
            name: "cart",
            value: Some("abc"),
            http_only: true,
            secure: true,
            same_site: Some(SameSite::Lax),
            lifetime: Lifetime::Seconds(600),
            domain: Some("shop.example"),
        }
    );
    let session = Cookie::parse("s=1").expect("a valid Set-Cookie");
    assert_eq!(
        CookieShape::of_set_cookie(&session, 0).lifetime,
        Lifetime::Session
    );
}

#[test]
fn the_weight_table_is_sorted_for_binary_search() {
    assert!(weights::KEYS.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(weights::KEYS.len(), weights::WEIGHTS.len());
}

#[test]
fn every_feature_of_the_table_is_found_and_no_other() {
    for (key, weights) in weights::KEYS.iter().zip(weights::WEIGHTS.iter()) {
        assert_eq!(table::weights(*key), Some(*weights));
    }
    let missing = (0..u32::MAX)
        .step_by(7919)
        .find(|k| weights::KEYS.binary_search(k).is_err())
        .expect("a key not in the table");
    assert_eq!(table::weights(missing), None);
}

#[test]
fn the_engine_scores_names_as_the_training_script_does() {
    for (name, seconds, expected) in weights::CHECKS {
        let lifetime = seconds.map_or(Lifetime::Session, Lifetime::Seconds);
        let got = guess(&CookieShape {
            lifetime,
            ..set(name)
        })
        .functional;
        assert!(
            (got - expected).abs() < 2e-3,
            "{name:?}: the engine says {got}, the script {expected}"
        );
    }
}
