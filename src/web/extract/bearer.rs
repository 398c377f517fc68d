//! Who calls the API: the personal token in `Authorization: Bearer <token>`. The API takes
//! no cookies (so it has no CSRF surface): a request that brings only a session cookie is
//! told to use a token.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::{AUTHORIZATION, COOKIE};
use actix_web::{FromRequest, HttpRequest};

use super::session::{client_addr, state};
use crate::domain::tokens::Access;
use crate::services::Caller;
use crate::services::tokens::{self, Authenticated};
use crate::web::error::AppError;

/// A request with a valid API token.
#[derive(Debug, Clone)]
pub struct Token(pub Authenticated);

impl Token {
    /// The caller for a request that reads.
    pub fn reader(&self) -> Caller {
        self.0.caller(Access::Read)
    }

    /// The caller for a request that changes something: only the roles the token's own
    /// scopes grant (`write` for an editor's work, `review` for a reviewer's).
    pub fn actor(&self) -> Caller {
        self.0.caller(Access::Act)
    }

    /// The token's id (idempotency keys and rate limits are per token).
    pub fn id(&self) -> crate::ids::ApiTokenId {
        self.0.token
    }
}

/// The token an `Authorization` header carries, if it uses the Bearer scheme.
pub fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

impl FromRequest for Token {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let Some(secret) = bearer(&req).map(str::to_owned) else {
                let cookie = req.headers().contains_key(COOKIE);
                return Err(AppError::Unauthorized(if cookie {
                    "The API does not take the browser's session: send a personal API token as `Authorization: Bearer <token>` (make one at /account/tokens).".into()
                } else {
                    "This needs a personal API token: send it as `Authorization: Bearer <token>` (make one at /account/tokens).".into()
                }));
            };
            let state = state(&req)?;
            let addr = client_addr(&req, &state);
            let env = state.env.clone();
            let found = actix_web::web::block(move || tokens::authenticate(&env, &secret, &addr))
                .await?
                .map_err(AppError::from)?;
            let found = found.ok_or_else(|| {
                AppError::Unauthorized(
                    "This token is not valid: it is mistyped, revoked or expired, or its account is deactivated.".into(),
                )
            })?;
            if let Err(seconds) = state.admit_api_request(found.token) {
                return Err(AppError::TooManyRequests {
                    message: format!(
                        "This token made more than {} requests in a minute. Try again in {seconds} s.",
                        state.config.api_rate_per_minute
                    ),
                    retry_after: i64::try_from(seconds).unwrap_or(60),
                });
            }
            Ok(Token(found))
        })
    }
}
