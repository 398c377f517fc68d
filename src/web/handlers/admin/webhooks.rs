//! `GET|POST /admin/webhooks`: the webhooks (address, events, on or off) and their newest
//! deliveries with the last error; a new webhook's secret is shown once, on the answer to
//! the form. `POST /admin/webhooks/{id}/enable|disable` and
//! `POST /admin/webhooks/deliveries/{id}/retry`. Admin only.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::webhooks::WebhookEvent;
use crate::filters;
use crate::services::webhooks::{self, Created, WebhookInput, WebhooksPage};
use crate::urls;
use crate::web::error::{AppError, Rejected, answer_form, show_again};
use crate::web::extract::{Admin, CsrfForm, forms};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome, Pager};
use crate::web::state::AppState;

/// An event checkbox.
pub struct EventChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "admin/webhooks.html")]
struct WebhooksView<'a> {
    chrome: Chrome,
    page: WebhooksPage,
    form: &'a WebhookForm,
    events: Vec<EventChoice>,
    created: Option<Created>,
    rejected: Option<Rejected>,
    allow_loopback: bool,
    pager: Pager,
}

impl WebhooksView<'_> {
    fn invalid(&self, field: &str) -> bool {
        self.rejected.as_ref().is_some_and(|r| r.concerns(field))
    }

    fn url_of(&self, id: &i64) -> &str {
        self.page
            .hooks
            .iter()
            .find(|h| h.hook.id == *id)
            .map_or("", |h| h.hook.url.as_str())
    }
}

/// What the form holds (kept when it has to be shown again; never the secret).
#[derive(Deserialize, Default)]
pub struct WebhookForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    events: Vec<String>,
    #[serde(default)]
    secret: String,
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    before: Option<String>,
}

async fn webhooks_page(
    req: &HttpRequest,
    state: &AppState,
    admin: &Admin,
    form: &WebhookForm,
    created: Option<Created>,
    rejected: Option<Rejected>,
) -> Result<HttpResponse, AppError> {
    let query: PageQuery = forms::query(req)?;
    let before = forms::optional_number(query.before.as_deref().unwrap_or_default(), "before")?;
    let caller = admin.caller();
    let page = state
        .db(move |ctx| webhooks::page(ctx, &caller, before))
        .await?;
    let chrome = match &rejected {
        Some(rejected) => admin.chrome("webhooks").with_alerts(rejected.messages()),
        None => admin.chrome("webhooks"),
    };
    let older = page.older.map(urls::webhooks_before);
    let fresh = form.events.is_empty() && rejected.is_none();
    let mut answer = render::ok(&WebhooksView {
        chrome,
        events: WebhookEvent::ALL
            .into_iter()
            .map(|e| EventChoice {
                value: e.as_str(),
                label: e.label(),
                checked: fresh || form.events.iter().any(|v| v == e.as_str()),
            })
            .collect(),
        page,
        form,
        created,
        rejected,
        allow_loopback: state.config.webhooks_allow_loopback,
        pager: Pager::cursors(None, older),
    });
    // The page may show a secret: never kept by a cache.
    answer.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(answer)
}

/// `GET /admin/webhooks`
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
) -> Result<HttpResponse, AppError> {
    webhooks_page(&req, &state, &admin, &WebhookForm::default(), None, None).await
}

/// `POST /admin/webhooks`: registers a webhook and shows its secret once.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<WebhookForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.fields;
    let input = WebhookInput {
        url: typed.url.clone(),
        events: typed.events.clone(),
        secret: typed.secret.clone(),
    };
    let caller = admin.caller();
    let allow_loopback = state.config.webhooks_allow_loopback;
    let outcome = state
        .db(move |ctx| webhooks::create(ctx, &caller, &input, allow_loopback))
        .await;
    match outcome {
        Ok(created) => {
            webhooks_page(
                &req,
                &state,
                &admin,
                &WebhookForm::default(),
                Some(created),
                None,
            )
            .await
        }
        Err(error) => {
            // The secret typed is not shown again.
            let kept = WebhookForm {
                secret: String::new(),
                ..typed
            };
            show_again(Rejected::from_error(error)?, |rejected| async move {
                webhooks_page(&req, &state, &admin, &kept, None, Some(rejected)).await
            })
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct SwitchForm {
    /// The box that confirms turning a webhook off.
    confirm: Option<String>,
}

/// `POST /admin/webhooks/{id}/{enable|disable}`
pub async fn switch(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<(String, String)>,
    form: CsrfForm<SwitchForm>,
) -> Result<HttpResponse, AppError> {
    let (raw_id, op) = path.into_inner();
    let id = forms::path_id(&raw_id, "webhook")?;
    let on = match op.as_str() {
        "enable" => true,
        "disable" => false,
        _ => return Err(AppError::not_found()),
    };
    if !on && !forms::confirmed(form.fields.confirm.as_deref()) {
        return Err(AppError::BadRequest(
            "Tick the box to confirm turning the webhook off: nothing was changed.".into(),
        ));
    }
    let caller = admin.caller();
    let outcome = state
        .db(move |ctx| webhooks::set_active(ctx, &caller, id, on))
        .await;
    let notice = if on {
        Notice::WebhookOn
    } else {
        Notice::WebhookOff
    };
    answer_form(
        outcome,
        |()| render::see_other(&notice.after(&urls::webhooks())),
        |rejected| async move {
            webhooks_page(
                &req,
                &state,
                &admin,
                &WebhookForm::default(),
                None,
                Some(rejected),
            )
            .await
        },
    )
    .await
}

/// `POST /admin/webhooks/deliveries/{id}/retry`
pub async fn retry(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    _form: CsrfForm<super::mail::NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = forms::path_id(&id, "delivery")?;
    let caller = admin.caller();
    let outcome = state.db(move |ctx| webhooks::retry(ctx, &caller, id)).await;
    answer_form(
        outcome,
        |()| render::see_other(&Notice::DeliveryRequeued.after(&urls::webhooks())),
        |rejected| async move {
            webhooks_page(
                &req,
                &state,
                &admin,
                &WebhookForm::default(),
                None,
                Some(rejected),
            )
            .await
        },
    )
    .await
}
