//! A stand-in for Stripe's API on 127.0.0.1, for the calls Byline makes. Every request is
//! checked against Stripe's documented parameters (https://docs.stripe.com/api): path and
//! method, `Authorization: Bearer <secret key>`, form encoding and an `Idempotency-Key` on
//! POSTs, the fields each call requires and the only ones it accepts, and references to
//! objects that exist. A request that breaks a rule gets Stripe's error shape (400,
//! `invalid_request_error`) and is kept in `violations`, which every test asserts empty.
//! Answers are the objects Stripe returns, with ids of Stripe's forms.

#![allow(dead_code)]
// Handlers answer a refusal early; boxing each Response would only add noise here.
#![allow(clippy::result_large_err)]

pub mod signer;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const SECRET_KEY: &str = "sk_test_byline_fake";

#[derive(Default)]
pub struct Books {
    next: u64,
    pub customers: Vec<Value>,
    pub products: Vec<Value>,
    pub prices: Vec<Value>,
    pub checkout_sessions: Vec<Value>,
    pub portal_sessions: Vec<Value>,
    pub subscriptions: HashMap<String, Value>,
    /// Every call made, as `METHOD /path`.
    pub calls: Vec<String>,
    pub violations: Vec<String>,
    idempotency_keys: Vec<String>,
}

impl Books {
    fn id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}_Fk{:06}", self.next)
    }
}

#[derive(Clone)]
pub struct FakeStripe {
    pub base: String,
    pub books: Arc<Mutex<Books>>,
}

impl FakeStripe {
    pub async fn start() -> Self {
        let books = Arc::new(Mutex::new(Books::default()));
        let app = Router::new()
            .route("/v1/customers", post(create_customer).get(list_customers))
            .route("/v1/products", post(create_product))
            .route("/v1/prices", post(create_price))
            .route("/v1/checkout/sessions", post(create_checkout_session))
            .route("/v1/billing_portal/sessions", post(create_portal_session))
            .route("/v1/subscriptions/{id}", get(retrieve_subscription).delete(cancel_subscription))
            .fallback(unknown)
            .with_state(books.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { base, books }
    }

    pub fn calls(&self) -> Vec<String> {
        self.books.lock().unwrap().calls.clone()
    }

    pub fn assert_no_violations(&self) {
        let v = self.books.lock().unwrap().violations.clone();
        assert!(v.is_empty(), "requests that break Stripe's documented rules: {v:#?}");
    }

    pub fn last_checkout_session(&self) -> Value {
        self.books.lock().unwrap().checkout_sessions.last().cloned().expect("a checkout session")
    }

    /// What Stripe does when the customer pays for checkout session `session_id`: makes the
    /// customer (when the session had only an email) and an active subscription for its
    /// price. Returns the completed session as a `checkout.session.completed` event carries it.
    pub fn complete_checkout(&self, session_id: &str, period_end: i64) -> Value {
        let mut b = self.books.lock().unwrap();
        let mut s = b
            .checkout_sessions
            .iter()
            .find(|s| s["id"] == session_id)
            .cloned()
            .expect("the checkout session exists");
        let email = s["customer_email"].as_str().map(str::to_owned);
        let customer = match s["customer"].as_str() {
            Some(c) => c.to_owned(),
            None => {
                let id = b.id("cus");
                b.customers.push(json!({"id": id, "object": "customer", "email": email}));
                id
            }
        };
        let customer_email = b
            .customers
            .iter()
            .find(|c| c["id"] == customer.as_str())
            .and_then(|c| c["email"].as_str().map(str::to_owned));
        let price_id = s["line_items"][0]["price"].as_str().unwrap().to_owned();
        let price = b.prices.iter().find(|p| p["id"] == price_id.as_str()).cloned().unwrap();
        let sub_id = b.id("sub");
        let item_id = b.id("si");
        let sub = json!({
            "id": sub_id, "object": "subscription", "customer": customer, "status": "active",
            "cancel_at_period_end": false, "currency": price["currency"],
            "metadata": s["subscription_data"]["metadata"].clone(),
            "items": {"object": "list", "data": [{
                "id": item_id, "object": "subscription_item", "price": price,
                "quantity": 1, "current_period_start": period_end - 2_592_000,
                "current_period_end": period_end,
            }]},
        });
        b.subscriptions.insert(sub_id.clone(), sub);
        s["status"] = json!("complete");
        s["payment_status"] = json!("paid");
        s["customer"] = json!(customer);
        s["subscription"] = json!(sub_id);
        s["customer_details"] = json!({"email": customer_email, "name": "Paying Reader"});
        s["url"] = Value::Null;
        s
    }

    pub fn subscription(&self, id: &str) -> Value {
        self.books.lock().unwrap().subscriptions[id].clone()
    }

    pub fn set_subscription(&self, sub: Value) {
        let id = sub["id"].as_str().unwrap().to_owned();
        self.books.lock().unwrap().subscriptions.insert(id, sub);
    }

    pub fn price(&self, id: &str) -> Value {
        let b = self.books.lock().unwrap();
        b.prices.iter().find(|p| p["id"] == id).cloned().expect("price exists")
    }
}

type Shared = State<Arc<Mutex<Books>>>;

/// The form of a POST, after checking the headers every Stripe request needs.
fn checked(
    b: &mut Books,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &str,
) -> Result<Vec<(String, String)>, Response> {
    b.calls.push(format!("{method} {}", uri.path()));
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    if auth != Some(&format!("Bearer {SECRET_KEY}")) {
        return Err(refuse(b, 401, format!("{method} {}: Authorization is {auth:?}", uri.path())));
    }
    if method == Method::POST {
        let ct = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
        if !ct.starts_with("application/x-www-form-urlencoded") {
            return Err(refuse(b, 400, format!("POST {}: Content-Type {ct:?}", uri.path())));
        }
        let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
        match key {
            Some(k)
                if !k.is_empty()
                    && k.len() <= 255
                    && !b.idempotency_keys.contains(&k.to_owned()) =>
            {
                b.idempotency_keys.push(k.to_owned());
            }
            other => {
                return Err(refuse(
                    b,
                    400,
                    format!("POST {}: Idempotency-Key {other:?}", uri.path()),
                ));
            }
        }
    }
    Ok(url::form_urlencoded::parse(body.as_bytes()).into_owned().collect())
}

/// Checks that `form` has every `required` key and only keys that are required, listed in
/// `allowed`, or (for a `prefix[`) under an allowed prefix such as `metadata[`.
fn fields(
    b: &mut Books,
    call: &str,
    form: &[(String, String)],
    required: &[&str],
    allowed: &[&str],
) -> Result<HashMap<String, String>, Response> {
    let mut map = HashMap::new();
    for (k, v) in form {
        let known = required.contains(&k.as_str())
            || allowed.iter().any(|a| {
                if let Some(prefix) = a.strip_suffix('*') { k.starts_with(prefix) } else { a == k }
            });
        if !known {
            return Err(refuse(b, 400, format!("{call}: Received unknown parameter: {k}")));
        }
        if map.insert(k.clone(), v.clone()).is_some() {
            return Err(refuse(b, 400, format!("{call}: {k} given twice")));
        }
    }
    for r in required {
        if map.get(*r).is_none_or(|v| v.is_empty()) {
            return Err(refuse(b, 400, format!("{call}: Missing required param: {r}")));
        }
    }
    Ok(map)
}

fn refuse(b: &mut Books, status: u16, message: String) -> Response {
    b.violations.push(message.clone());
    let body = json!({"error": {"type": "invalid_request_error", "message": message}});
    (StatusCode::from_u16(status).unwrap(), axum::Json(body)).into_response()
}

fn ok(v: Value) -> Response {
    axum::Json(v).into_response()
}

fn absolute_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

fn metadata(map: &HashMap<String, String>, prefix: &str) -> Value {
    let mut m = serde_json::Map::new();
    for (k, v) in map {
        if let Some(key) = k.strip_prefix(prefix).and_then(|r| r.strip_suffix(']')) {
            m.insert(key.to_owned(), json!(v));
        }
    }
    Value::Object(m)
}

async fn create_customer(
    State(books): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut b = books.lock().unwrap();
    let form = match checked(&mut b, &method, &uri, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let f = match fields(&mut b, "POST /v1/customers", &form, &["email"], &["name", "metadata[*"]) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let id = b.id("cus");
    let c = json!({"id": id, "object": "customer", "email": f["email"], "name": f.get("name"),
                   "metadata": metadata(&f, "metadata["), "livemode": false});
    b.customers.push(c.clone());
    ok(c)
}

async fn list_customers(
    State(books): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let mut b = books.lock().unwrap();
    let query = q.unwrap_or_default();
    let form = match checked(&mut b, &method, &uri, &headers, &query) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let f = match fields(&mut b, "GET /v1/customers", &form, &[], &["email", "limit"]) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let data: Vec<Value> = b
        .customers
        .iter()
        .filter(|c| f.get("email").is_none_or(|e| c["email"] == e.as_str()))
        .cloned()
        .collect();
    ok(json!({"object": "list", "url": "/v1/customers", "has_more": false, "data": data}))
}

async fn create_product(
    State(books): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut b = books.lock().unwrap();
    let form = match checked(&mut b, &method, &uri, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let f =
        match fields(&mut b, "POST /v1/products", &form, &["name"], &["description", "metadata[*"])
        {
            Ok(f) => f,
            Err(r) => return r,
        };
    let id = b.id("prod");
    let p = json!({"id": id, "object": "product", "active": true, "name": f["name"],
                   "description": f.get("description"), "metadata": metadata(&f, "metadata[")});
    b.products.push(p.clone());
    ok(p)
}

async fn create_price(
    State(books): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut b = books.lock().unwrap();
    let form = match checked(&mut b, &method, &uri, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let required = ["product", "unit_amount", "currency", "recurring[interval]"];
    let f = match fields(&mut b, "POST /v1/prices", &form, &required, &["metadata[*"]) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if !b.products.iter().any(|p| p["id"] == f["product"].as_str()) {
        return refuse(&mut b, 400, format!("No such product: '{}'", f["product"]));
    }
    let Ok(amount) = f["unit_amount"].parse::<i64>() else {
        return refuse(&mut b, 400, "unit_amount must be an integer".into());
    };
    let currency = &f["currency"];
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_lowercase()) {
        return refuse(&mut b, 400, format!("Invalid currency: {currency}"));
    }
    let interval = &f["recurring[interval]"];
    if !matches!(interval.as_str(), "day" | "week" | "month" | "year") {
        return refuse(&mut b, 400, format!("Invalid recurring[interval]: {interval}"));
    }
    let id = b.id("price");
    let p = json!({"id": id, "object": "price", "active": true, "product": f["product"],
                   "unit_amount": amount, "currency": currency, "type": "recurring",
                   "recurring": {"interval": interval, "interval_count": 1}});
    b.prices.push(p.clone());
    ok(p)
}

async fn create_checkout_session(
    State(books): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut b = books.lock().unwrap();
    let form = match checked(&mut b, &method, &uri, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let required =
        ["mode", "line_items[0][price]", "line_items[0][quantity]", "success_url", "cancel_url"];
    let allowed = [
        "customer",
        "customer_email",
        "client_reference_id",
        "metadata[*",
        "subscription_data[metadata][*",
    ];
    let f = match fields(&mut b, "POST /v1/checkout/sessions", &form, &required, &allowed) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if f["mode"] != "subscription" {
        return refuse(&mut b, 400, format!("mode {} is not subscription", f["mode"]));
    }
    if f.contains_key("customer") == f.contains_key("customer_email") {
        return refuse(&mut b, 400, "give exactly one of customer and customer_email".into());
    }
    if let Some(c) = f.get("customer")
        && !b.customers.iter().any(|x| x["id"] == c.as_str())
    {
        return refuse(&mut b, 400, format!("No such customer: '{c}'"));
    }
    let price = &f["line_items[0][price]"];
    match b.prices.iter().find(|p| p["id"] == price.as_str()) {
        Some(p) if p["type"] == "recurring" => {}
        _ => return refuse(&mut b, 400, format!("No such recurring price: '{price}'")),
    }
    if f["line_items[0][quantity]"].parse::<u32>().is_err() {
        return refuse(&mut b, 400, "line_items[0][quantity] must be a number".into());
    }
    for u in ["success_url", "cancel_url"] {
        if !absolute_url(&f[u]) {
            return refuse(&mut b, 400, format!("{u} is not an absolute URL: {}", f[u]));
        }
    }
    if let Some(r) = f.get("client_reference_id")
        && (r.len() > 200 || !r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        return refuse(&mut b, 400, format!("client_reference_id {r:?} is not allowed"));
    }
    let id = b.id("cs_test");
    let s = json!({
        "id": id, "object": "checkout.session", "mode": "subscription", "status": "open",
        "payment_status": "unpaid", "customer": f.get("customer"),
        "customer_email": f.get("customer_email"),
        "client_reference_id": f.get("client_reference_id"),
        "success_url": f["success_url"], "cancel_url": f["cancel_url"],
        "metadata": metadata(&f, "metadata["),
        "subscription_data": {"metadata": metadata(&f, "subscription_data[metadata][")},
        "line_items": [{"price": price, "quantity": 1}],
        "subscription": null, "livemode": false,
        "url": format!("https://checkout.stripe.com/c/pay/{id}#fidkdWxOYHwnPyd1blpxYHZxWjA0"),
    });
    b.checkout_sessions.push(s.clone());
    ok(s)
}

async fn create_portal_session(
    State(books): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut b = books.lock().unwrap();
    let form = match checked(&mut b, &method, &uri, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let call = "POST /v1/billing_portal/sessions";
    let f = match fields(&mut b, call, &form, &["customer"], &["return_url"]) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if !b.customers.iter().any(|x| x["id"] == f["customer"].as_str()) {
        return refuse(&mut b, 400, format!("No such customer: '{}'", f["customer"]));
    }
    if let Some(u) = f.get("return_url")
        && !absolute_url(u)
    {
        return refuse(&mut b, 400, format!("return_url is not an absolute URL: {u}"));
    }
    let id = b.id("bps");
    let s = json!({"id": id, "object": "billing_portal.session", "customer": f["customer"],
                   "return_url": f.get("return_url"), "livemode": false,
                   "url": format!("https://billing.stripe.com/p/session/test_{id}")});
    b.portal_sessions.push(s.clone());
    ok(s)
}

async fn retrieve_subscription(
    State(books): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let mut b = books.lock().unwrap();
    if let Err(r) = checked(&mut b, &method, &uri, &headers, "") {
        return r;
    }
    match b.subscriptions.get(&id).cloned() {
        Some(s) => ok(s),
        None => refuse(&mut b, 404, format!("No such subscription: '{id}'")),
    }
}

/// `DELETE /v1/subscriptions/{id}`: cancels at once. Stripe documents only optional
/// `invoice_now`, `prorate` and `cancellation_details[…]`; Byline sends none.
async fn cancel_subscription(
    State(books): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let mut b = books.lock().unwrap();
    let form = match checked(&mut b, &method, &uri, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let call = format!("DELETE /v1/subscriptions/{id}");
    let allowed = ["invoice_now", "prorate", "cancellation_details["];
    if let Err(r) = fields(&mut b, &call, &form, &[], &allowed) {
        return r;
    }
    match b.subscriptions.get_mut(&id) {
        Some(s) if s["status"] == "canceled" => {
            let s = s.clone();
            refuse(&mut b, 400, format!("{call}: subscription {} is already canceled", s["id"]))
        }
        Some(s) => {
            s["status"] = serde_json::json!("canceled");
            ok(s.clone())
        }
        None => refuse(&mut b, 404, format!("No such subscription: '{id}'")),
    }
}

async fn unknown(State(books): Shared, method: Method, uri: Uri) -> Response {
    let mut b = books.lock().unwrap();
    refuse(&mut b, 404, format!("Unrecognized request URL ({method}: {})", uri.path()))
}
