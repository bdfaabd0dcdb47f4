//! Signing in: the login form (protected by a double-submit cookie, since there is no
//! session yet), the password check with the lockout, and the optional TOTP code.
//!
//! Every refusal says the same thing, whether the name is unknown, the password or code is
//! wrong, or the account is locked, and takes the same argon2 work, so an attacker learns
//! nothing from the answer or its time.

use consentry_banner::escape_html as esc;
use http::header::{self, HeaderValue};
use http::StatusCode;

use super::accounts::{equal_work, verify_password};
use super::app::{
    audit, forbidden_form, form_field, signed_in, unavailable, Admin, AdminRequest, LOGIN_PATH,
};
use super::session::{self, request_cookie, LOGIN_COOKIE};
use super::store::{AdminUser, AuditAction};
use super::ADMIN_PATH;
use super::{accounts, dashboard, totp};
use crate::pages::{self, Page};

/// What a refused login is told, whatever the reason.
pub const LOGIN_REFUSED: &str = "Sign-in failed. Check the name, password and code; after \
several failures an account is locked for a while.";

/// GET: the form, or the dashboard when already signed in.
pub(super) async fn form(admin: &Admin<'_>, request: &AdminRequest<'_>) -> Page {
    match signed_in(admin, request).await {
        Ok(Some(_)) => pages::see_other(ADMIN_PATH),
        Ok(None) => login_page(admin, request, StatusCode::OK, None, ""),
        Err(page) => page,
    }
}

/// The form with its double-submit token in its field and cookie: the browser's token when
/// it has one (so two open login tabs both work), a fresh one otherwise.
fn login_page(
    admin: &Admin<'_>,
    request: &AdminRequest<'_>,
    status: StatusCode,
    message: Option<&str>,
    user: &str,
) -> Page {
    let kept = request_cookie(request.headers, LOGIN_COOKIE).filter(|t| {
        t.len() == 43
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
    });
    let token = match kept {
        Some(token) => token,
        None => match admin.random.bytes() {
            Some(random) => accounts::token_text("", random),
            None => {
                tracing::error!("no randomness for the login form");
                return unavailable();
            }
        },
    };
    let message = message
        .map(|m| format!("<p class=\"error\" role=\"alert\">{}</p>", esc(m)))
        .unwrap_or_default();
    let body = format!(
        "<section class=\"login\"><h1>Sign in</h1>{message}\
         <form method=\"post\" action=\"{LOGIN_PATH}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{token}\">\
         <div class=\"field\"><label for=\"l-user\">Name</label>\
         <input id=\"l-user\" name=\"user\" value=\"{}\" autocomplete=\"username\" required autofocus></div>\
         <div class=\"field\"><label for=\"l-password\">Password</label>\
         <input id=\"l-password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></div>\
         <div class=\"field\"><label for=\"l-code\">Code from your authenticator app (if you set one up)</label>\
         <input id=\"l-code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9 ]*\"></div>\
         <button type=\"submit\">Sign in</button></form></section>",
        esc(user)
    );
    let mut page = pages::html(
        status,
        dashboard::layout("Sign in · Consentry", None, &body),
        false,
    );
    if let Ok(value) = HeaderValue::from_str(&session::login_cookie(&token)) {
        page.headers_mut().append(header::SET_COOKIE, value);
    }
    page
}

/// POST: checks the form's origin and token, then the credentials.
pub(super) async fn sign_in(admin: &Admin<'_>, request: &AdminRequest<'_>) -> Page {
    let cookie_token = request_cookie(request.headers, LOGIN_COOKIE).unwrap_or_default();
    if !crate::is_same_origin(request.headers, request.host)
        || !session::csrf_matches(&cookie_token, form_field(request.body, "csrf").as_deref())
    {
        return forbidden_form();
    }
    let name = form_field(request.body, "user").unwrap_or_default();
    let name = name.trim();
    let password = form_field(request.body, "password").unwrap_or_default();
    let code = form_field(request.body, "code").unwrap_or_default();

    let user = match accounts::check_name(name) {
        Ok(()) => match admin.store.user(name).await {
            Ok(user) => user,
            Err(e) => {
                tracing::warn!(error = %e, "admin accounts cannot be read");
                return unavailable();
            }
        },
        Err(_) => None,
    };
    match check(admin, user.as_ref(), &password, &code) {
        Verdict::Ok { totp_step } => {
            // `check` says Ok only for an account it was given.
            let Some(user) = user else {
                return refused(admin, request, name);
            };
            signed_in_as(admin, request, &user, totp_step).await
        }
        Verdict::Locked => {
            note(
                admin,
                request,
                name,
                AuditAction::LoginLocked,
                String::new(),
            )
            .await;
            refused(admin, request, name)
        }
        Verdict::Failed => {
            failed(admin, request, name, user.is_some()).await;
            refused(admin, request, name)
        }
    }
}

enum Verdict {
    Ok { totp_step: u64 },
    Failed,
    Locked,
}

/// The password (and code) against the account, with the same work whatever happens.
fn check(admin: &Admin<'_>, user: Option<&AdminUser>, password: &str, code: &str) -> Verdict {
    let Some(user) = user else {
        equal_work(password);
        return Verdict::Failed;
    };
    let password_ok = verify_password(password, &user.password_hash);
    if user.locked_until > admin.now {
        return Verdict::Locked;
    }
    if !password_ok {
        return Verdict::Failed;
    }
    match &user.totp_secret {
        None => Verdict::Ok { totp_step: 0 },
        Some(secret) => match totp::verify(secret, code, admin.now, user.totp_step) {
            Some(step) => Verdict::Ok { totp_step: step },
            None => Verdict::Failed,
        },
    }
}

/// Counts a failure against an existing account, locking it at the configured number.
async fn failed(admin: &Admin<'_>, request: &AdminRequest<'_>, name: &str, exists: bool) {
    note(
        admin,
        request,
        name,
        AuditAction::LoginFailed,
        String::new(),
    )
    .await;
    if !exists {
        return;
    }
    let failures = match admin.store.count_failed_login(name).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "a failed admin login was not counted");
            return;
        }
    };
    if failures < admin.settings.max_failed_logins {
        return;
    }
    let until = admin
        .now
        .saturating_add(admin.settings.lockout.as_secs().max(1));
    if let Err(e) = admin.store.lock_user(name, until).await {
        tracing::warn!(error = %e, "an admin account could not be locked");
        return;
    }
    tracing::warn!(user = %name, failures, "admin account locked after failed logins");
    note(
        admin,
        request,
        name,
        AuditAction::AccountLocked,
        format!(
            "after {failures} failed logins, until {}",
            crate::format_time(until)
        ),
    )
    .await;
}

/// Writes a login event in the audit log; a failure to do so is logged, not shown.
async fn note(
    admin: &Admin<'_>,
    request: &AdminRequest<'_>,
    name: &str,
    action: AuditAction,
    detail: String,
) {
    // A name tried at the login form is kept short: it is input from anyone.
    let name: String = name.chars().take(accounts::MAX_NAME_BYTES).collect();
    if let Err(e) = audit(admin, request, &name, action, detail).await {
        tracing::warn!(error = %e, action = action.as_str(), "not written to the audit log");
    }
}

fn refused(admin: &Admin<'_>, request: &AdminRequest<'_>, name: &str) -> Page {
    let name: String = name.chars().take(accounts::MAX_NAME_BYTES).collect();
    login_page(
        admin,
        request,
        StatusCode::UNAUTHORIZED,
        Some(LOGIN_REFUSED),
        &name,
    )
}

/// A new session: its cookie, the login cookie removed, and on to the dashboard.
async fn signed_in_as(
    admin: &Admin<'_>,
    request: &AdminRequest<'_>,
    user: &AdminUser,
    totp_step: u64,
) -> Page {
    let (Some(token_random), Some(csrf_random)) = (admin.random.bytes(), admin.random.bytes())
    else {
        tracing::error!("no randomness for an admin session");
        return unavailable();
    };
    let lifetime = admin.settings.session_lifetime;
    let (token, session) =
        session::new_session(&user.name, admin.now, lifetime, token_random, csrf_random);
    let stored = async {
        admin.store.login_succeeded(&user.name, totp_step).await?;
        admin.store.create_session(&session).await?;
        audit(
            admin,
            request,
            &user.name,
            AuditAction::LoginOk,
            if user.totp_secret.is_some() {
                "with TOTP".to_owned()
            } else {
                String::new()
            },
        )
        .await
    };
    if let Err(e) = stored.await {
        tracing::warn!(error = %e, "admin session not stored");
        return unavailable();
    }
    tracing::info!(user = %user.name, "admin signed in");
    let mut page = pages::see_other(ADMIN_PATH);
    for cookie in [
        session::session_cookie(&token, lifetime),
        session::clear_login_cookie(),
    ] {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            page.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    page
}
