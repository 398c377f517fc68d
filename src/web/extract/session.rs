//! Who is asking: the session cookie, the visitor (any session) and the signed-in user, and
//! the client address.
//!
//! The session is loaded once per request, only by handlers that ask for it (public pages
//! never touch the sessions table), and cached in the request's extensions. Both extractors
//! also read the `?done=` notice the page shows.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, body::MessageBody, web};

use crate::domain::roles::Role;
use crate::services::sessions::{self, Session, SessionUser};
use crate::services::visitors;
use crate::services::{Actor, Caller};
use crate::web::error::AppError;
use crate::web::notice::Notice;
use crate::web::render::Chrome;
use crate::web::state::AppState;

/// The session cookie's name; `__Host-` makes browsers insist on Secure, Path=/ and no Domain.
pub fn cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies() {
        "__Host-imprimatur"
    } else {
        "imprimatur_session"
    }
}

/// The visitor cookie's name (a signed cookie for those not signed in; no session row).
pub fn visitor_cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies() {
        "__Host-imprimatur-visitor"
    } else {
        "imprimatur_visitor"
    }
}

fn cookie(state: &AppState, name: &'static str, value: String, max_age: i64) -> Cookie<'static> {
    let mut cookie = Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies())
        .finish();
    cookie.set_max_age(CookieDuration::seconds(max_age));
    cookie
}

/// A cookie carrying a session id.
pub fn session_cookie(state: &AppState, value: String) -> Cookie<'static> {
    let seconds = state.config.session_absolute.num_seconds();
    cookie(state, cookie_name(state), value, seconds)
}

/// How long a visitor cookie (and the forms it signs) stays good.
fn visitor_lifetime(state: &AppState) -> chrono::Duration {
    state.config.session_idle
}

/// A cookie carrying a visitor's signed token.
fn visitor_cookie(state: &AppState, value: String) -> Cookie<'static> {
    let seconds = visitor_lifetime(state).num_seconds();
    cookie(state, visitor_cookie_name(state), value, seconds)
}

/// The device cookie: a browser's signed proof that it signed in to an account before.
pub fn device_cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies() {
        "__Host-imprimatur-device"
    } else {
        "imprimatur_device"
    }
}

/// A cookie carrying a device proof, kept as long as the proof is good.
pub fn device_cookie(state: &AppState, value: String) -> Cookie<'static> {
    let seconds = visitors::device_lifetime().num_seconds();
    cookie(state, device_cookie_name(state), value, seconds)
}

/// A cookie that makes the browser forget the visitor token (after signing in).
pub fn visitor_removal_cookie(state: &AppState) -> Cookie<'static> {
    let mut cookie = visitor_cookie(state, String::new());
    cookie.make_removal();
    cookie
}

/// A cookie that makes the browser forget the session id.
pub fn removal_cookie(state: &AppState) -> Cookie<'static> {
    let mut cookie = session_cookie(state, String::new());
    cookie.make_removal();
    cookie
}

/// A cookie to send with whatever response this request gets (set when a handler or an
/// extractor starts a session), applied by `apply_cookie`.
#[derive(Clone)]
struct PendingCookie(Cookie<'static>);

/// Middleware: adds a cookie queued during the request to the response, error pages included.
pub async fn apply_cookie(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let mut res = next.call(req).await?;
    let pending = res.request().extensions().get::<PendingCookie>().cloned();
    if let Some(PendingCookie(cookie)) = pending {
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res)
}

/// The state the app was built with. Its absence is a wiring bug, reported as a 500.
pub fn state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::internal("AppState is not registered"))
}

/// The client's address: the peer, or the first `X-Forwarded-For` hop behind a proxy.
pub fn client_addr(req: &HttpRequest, state: &AppState) -> String {
    let info = req.connection_info();
    let addr = if state.config.behind_proxy {
        info.realip_remote_addr()
    } else {
        info.peer_addr()
    };
    let addr = addr.unwrap_or("unknown");
    // Drop a port: throttling is per host.
    match addr.parse::<std::net::SocketAddr>() {
        Ok(socket) => socket.ip().to_string(),
        Err(_) => addr.to_owned(),
    }
}

/// What one request loaded about its visitor: the session (if any) and the site name, read
/// together in one database round trip.
#[derive(Clone)]
struct Loaded {
    session: Option<Session>,
    site_name: String,
}

/// Where one request's [`Loaded`] is kept: the first extractor that asks reads it, and
/// any other asking meanwhile waits for that read. actix polls a handler's extractors
/// together, so the signed-in check and the form's CSRF check both asked while neither had
/// an answer yet, and every signed-in form post read its session twice.
type LoadedCell = std::rc::Rc<tokio::sync::OnceCell<Loaded>>;

async fn load(req: &HttpRequest) -> Result<Loaded, AppError> {
    let cell = req
        .extensions_mut()
        .get_or_insert_with(LoadedCell::default)
        .clone();
    cell.get_or_try_init(|| read(req)).await.cloned()
}

async fn read(req: &HttpRequest) -> Result<Loaded, AppError> {
    let state = state(req)?;
    let cookie = req
        .cookie(cookie_name(&state))
        .map(|c| c.value().to_owned());
    let timeouts = state.timeouts();
    let known = state.fresh_site_name();
    let generation = state.env.signals().settings_generation();
    let loaded = if cookie.is_none()
        && let Some(site_name) = known
    {
        // A visitor without a session: nothing to read.
        Loaded {
            session: None,
            site_name,
        }
    } else {
        let read_name = known.is_none();
        let (session, read) = state
            .db(move |ctx| {
                let session = match cookie {
                    Some(value) => sessions::load(ctx, &value, timeouts)?,
                    None => None,
                };
                let name = if read_name {
                    Some(crate::services::settings::current(ctx)?.site_name)
                } else {
                    None
                };
                Ok((session, name))
            })
            .await?;
        if let Some(name) = &read {
            state.site_name_read(name, generation);
        }
        let site_name = read.or(known).unwrap_or_else(|| state.site_name());
        Loaded { session, site_name }
    };
    Ok(loaded)
}

/// The request's session, if its cookie names a valid one.
pub async fn current(req: &HttpRequest) -> Result<Option<Session>, AppError> {
    Ok(load(req).await?.session)
}

/// The site name from the settings (loaded with the session).
pub async fn site_name(req: &HttpRequest) -> Result<String, AppError> {
    Ok(load(req).await?.site_name)
}

/// The visitor a valid visitor cookie names, as a session without a row.
pub async fn visitor(req: &HttpRequest) -> Result<Option<Session>, AppError> {
    let state = state(req)?;
    let Some(value) = req
        .cookie(visitor_cookie_name(&state))
        .map(|c| c.value().to_owned())
    else {
        return Ok(None);
    };
    let key = state.with_env(|env| env.visitor_key()).await?;
    let visit = visitors::check(&key, &value, crate::db::now(), visitor_lifetime(&state));
    Ok(visit.map(|v| Session::visitor(v.csrf_token)))
}

/// The request's session; for someone not signed in, their visitor token, issuing one (and
/// queueing its cookie) if they have none: forms shown before sign-in need a CSRF token
/// bound to something. No database row is written for a visitor.
pub async fn ensure(req: &HttpRequest) -> Result<Session, AppError> {
    if let Some(session) = current(req).await? {
        return Ok(session);
    }
    if let Some(session) = visitor(req).await? {
        return Ok(session);
    }
    let state = state(req)?;
    let key = state.with_env(|env| env.visitor_key()).await?;
    let visit = visitors::issue(&key, crate::db::now())?;
    queue_cookie(req, visitor_cookie(&state, visit.cookie_value));
    Ok(Session::visitor(visit.csrf_token))
}

/// Sends `cookie` with this request's response.
pub fn queue_cookie(req: &HttpRequest, cookie: Cookie<'static>) {
    req.extensions_mut().insert(PendingCookie(cookie));
}

/// The raw cookie value of the request's session, for rotating or ending it.
pub fn cookie_value(req: &HttpRequest, state: &AppState) -> Option<String> {
    req.cookie(cookie_name(state)).map(|c| c.value().to_owned())
}

/// The notice named by `?done=`, if any.
fn notice(req: &HttpRequest) -> Option<Notice> {
    #[derive(serde::Deserialize)]
    struct Done {
        done: Option<String>,
    }
    serde_html_form::from_str::<Done>(req.query_string())
        .ok()
        .and_then(|d| d.done)
        .and_then(|key| Notice::parse(&key))
}

/// Anyone with a session, signed in or not (one is started if there is none: forms shown
/// before sign-in need a CSRF token bound to something).
#[derive(Debug, Clone)]
pub struct Visitor {
    pub session: Session,
    pub site_name: String,
    pub client_addr: String,
    pub notice: Option<Notice>,
}

impl Visitor {
    /// The layout's data for a page in `section`.
    pub fn chrome(&self, section: &'static str) -> Chrome {
        Chrome::new(&self.site_name, &self.session, section).with_notice(self.notice)
    }
}

impl FromRequest for Visitor {
    type Error = AppError;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let session = ensure(&req).await?;
            let state = state(&req)?;
            Ok(Visitor {
                session,
                site_name: site_name(&req).await?,
                client_addr: client_addr(&req, &state),
                notice: notice(&req),
            })
        })
    }
}

/// A signed-in, active account. Anonymous requests are sent to the sign-in page.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session: Session,
    pub user: SessionUser,
    pub client_addr: String,
    pub site_name: String,
    pub notice: Option<Notice>,
}

impl SignedIn {
    /// The layout's data for a page in `section`, with the notice `?done=` names.
    pub fn chrome(&self, section: &'static str) -> Chrome {
        Chrome::new(&self.site_name, &self.session, section).with_notice(self.notice)
    }

    /// The caller as services see it.
    pub fn caller(&self) -> Caller {
        Caller::person(self.user.id, self.user.roles.clone(), self.actor())
    }

    pub fn has(&self, role: Role) -> bool {
        self.user.roles.has(role)
    }

    /// The actor for audit rows written on this user's behalf.
    pub fn actor(&self) -> Actor {
        Actor::user(self.user.id, &self.user.email, &self.client_addr)
    }

    /// Refuses with 403 unless the user holds `role`: the services' own check, asked early
    /// so a page that needs the role is refused before any work.
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        Ok(self.caller().require(role)?)
    }
}

fn sign_in_required(req: &HttpRequest) -> AppError {
    let next = match req.query_string() {
        "" => req.path().to_owned(),
        query => format!("{}?{}", req.path(), query),
    };
    // After a POST the form is gone; come back to the page, not the action.
    let next = if req.method() == actix_web::http::Method::GET {
        next
    } else {
        crate::urls::dashboard()
    };
    AppError::SignInRequired { next }
}

type LocalFuture<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let Loaded { session, site_name } = load(&req).await?;
            let Some((session, user)) = session.and_then(|s| s.user.clone().map(|u| (s, u))) else {
                return Err(sign_in_required(&req));
            };
            let state = state(&req)?;
            Ok(SignedIn {
                client_addr: client_addr(&req, &state),
                notice: notice(&req),
                session,
                user,
                site_name,
            })
        })
    }
}

/// A signed-in account with the admin role; others get a 403 page.
#[derive(Debug, Clone)]
pub struct Admin(pub SignedIn);

impl FromRequest for Admin {
    type Error = AppError;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let signed_in = SignedIn::from_request(req, payload);
        Box::pin(async move {
            let user = signed_in.await?;
            user.require(Role::Admin)?;
            Ok(Admin(user))
        })
    }
}

impl std::ops::Deref for Admin {
    type Target = SignedIn;

    fn deref(&self) -> &SignedIn {
        &self.0
    }
}
