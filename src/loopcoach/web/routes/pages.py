"""HTML pages: home, role, question, search."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from loopcoach.web.deps import CoachDep
from loopcoach.web.routers import page_router
from loopcoach.web.security import csrf_token

router = page_router()


def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    templates = request.app.state.templates
    roles = list(request.app.state.coach.library.roles.values())
    account = getattr(request.state, "account", None)
    return templates.TemplateResponse(
        request,
        name,
        {
            "all_roles": roles,
            "csrf_token": csrf_token(request),
            "account": account,
            "hosted": getattr(request.app.state, "hosted", None) is not None,
            **context,
        },
        status_code=status,
    )


FIELD_LABELS = {
    "answer": "Your answer",
    "question": "The question",
    "text": "Your text",
    "my_order": "Your order",
    "velocities": "Velocities",
    "remaining": "Remaining points",
    "current_sprint": "Current sprint",
    "seed": "Seed",
    "stage": "Stage",
    "title": "Title",
    "situation": "Situation",
    "task": "Task",
    "action": "Action",
    "result": "Result",
    "themes": "Themes",
}


def _back_link(request: Request) -> str:
    """The page the form was on (same site only), else the start page."""
    from urllib.parse import urlsplit

    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc.lower() == request.headers.get("host", "").lower():
        path = referer.path or "/"
        return path + (f"?{referer.query}" if referer.query else "")
    return "/"


def error_page(request: Request, status: int, message: str) -> Response:
    kept = [
        {
            "name": name,
            "label": FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
            "value": value,
        }
        for name, value in getattr(request.state, "form_input", None) or ()
    ]
    back = _back_link(request)
    try:
        return render(
            request,
            "error.html",
            status=status,
            status_code=status,
            message=message,
            kept=kept,
            back=back,
            posted=request.method == "POST",
        )
    except Exception:  # the library itself may be what failed
        return HTMLResponse(f"<h1>{status}</h1>", status_code=status)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    return render(request, "home.html")


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    """The JSON API, listed from the OpenAPI schema: no Swagger UI, nothing from a CDN."""
    schema = request.app.openapi()
    endpoints = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": p["name"],
                    "where": p["in"],
                    "required": p.get("required", False),
                    "description": p.get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            body = op.get("requestBody", {}).get("content", {})
            body_ref = next((c.get("schema", {}).get("$ref", "") for c in body.values()), "")
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "id": op.get("operationId", ""),
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tag": (op.get("tags") or ["other"])[0],
                    "params": params,
                    "body": body_ref.rsplit("/", 1)[-1],
                    "responses": sorted(op.get("responses", {})),
                }
            )
    schemas = schema.get("components", {}).get("schemas", {})
    # FastAPI names a form's fields after the operation ('Body_prep_upload_api_api_v1_...')
    forms = {e["body"]: f"Form: {e['method']} {e['path']}" for e in endpoints if e["body"]}
    for e in endpoints:
        e["body_title"] = forms[e["body"]] if e["body"].startswith("Body_") else e["body"]
    models = [
        {
            "name": name,
            "title": forms[name] if name.startswith("Body_") else name,
            "fields": [
                {
                    "name": f,
                    "type": _type_name(spec),
                    "required": f in model.get("required", []),
                    "description": spec.get("description", ""),
                }
                for f, spec in model.get("properties", {}).items()
            ],
        }
        for name, model in sorted(schemas.items())
        if any(e["body"] == name for e in endpoints)
    ]
    return render(
        request,
        "api_docs.html",
        endpoints=endpoints,
        models=models,
        version=schema.get("info", {}).get("version", ""),
    )


def _type_name(spec: dict[str, Any]) -> str:
    if "$ref" in spec:
        return str(spec["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in spec:
        return " or ".join(_type_name(s) for s in spec["anyOf"])
    if spec.get("type") == "array":
        return f"list of {_type_name(spec.get('items', {}))}"
    if "enum" in spec:
        return " | ".join(str(v) for v in spec["enum"])
    if "const" in spec:
        return repr(spec["const"])
    return str(spec.get("type", "any"))


@router.get("/roles/{role_id}", response_class=HTMLResponse)
def role_page(request: Request, coach: CoachDep, role_id: str) -> Response:
    role = coach.library.role(role_id)
    return render(request, "role.html", role=role)


@router.get("/questions/{question_id}", response_class=HTMLResponse)
def question_page(request: Request, coach: CoachDep, question_id: str) -> Response:
    role, q = coach.library.question(question_id)
    return render(request, "question.html", role=role, q=q)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, coach: CoachDep, q: str = "", role: str = "") -> Response:
    text = q[:500]
    hits = coach.search(text, role=role or None, limit=30) if text.strip() else []
    return render(request, "search.html", query=text, hits=hits, role_filter=role)
