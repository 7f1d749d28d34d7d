"""Swagger UI and ReDoc from the files the fastapi-offline package ships, served by
the API itself. FastAPI's own pages load them from a CDN: they render nothing
without internet, and through the web app, whose proxy authenticates `/v1` calls,
a third party's script would run with the signed-in team's key."""

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

DOCS_URL = "/v1/docs"
REDOC_URL = "/v1/redoc"
ASSETS_URL = "/v1/docs/assets"

# Swagger UI would otherwise show a badge image fetched from swagger.io's validator,
# sending it the document's address.
_SWAGGER_PARAMETERS = {"validatorUrl": None}

# ReDoc's sidebar shows a logo from Redocly's CDN that no option turns off; the policy
# keeps the page on this origin. Swagger UI starts from an inline script, ReDoc
# searches in a worker it builds from a blob.
_DOCS_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' blob:",
        "worker-src 'self' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "frame-ancestors 'none'",
    ]
)


def _with_policy(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = _DOCS_POLICY
    return page


def install_docs(app: FastAPI) -> None:
    """The two pages and their assets, none of them in the OpenAPI document."""
    app.mount(
        ASSETS_URL,
        StaticFiles(packages=[("fastapi_offline", "static")]),
        name="docs-assets",
    )

    def urls(request: Request) -> tuple[str, str]:
        # Behind a proxy that mounts the API under a prefix, the page's links need it.
        root = request.scope.get("root_path", "").rstrip("/")
        return f"{root}{app.openapi_url}", f"{root}{ASSETS_URL}"

    async def swagger_ui(request: Request) -> HTMLResponse:
        openapi_url, assets = urls(request)
        return _with_policy(
            get_swagger_ui_html(
                openapi_url=openapi_url,
                title=f"{app.title} - Swagger UI",
                swagger_js_url=f"{assets}/swagger-ui-bundle.js",
                swagger_css_url=f"{assets}/swagger-ui.css",
                swagger_favicon_url=f"{assets}/favicon.png",
                swagger_ui_parameters=_SWAGGER_PARAMETERS,
            )
        )

    async def redoc(request: Request) -> HTMLResponse:
        openapi_url, assets = urls(request)
        return _with_policy(
            get_redoc_html(
                openapi_url=openapi_url,
                title=f"{app.title} - ReDoc",
                redoc_js_url=f"{assets}/redoc.standalone.js",
                redoc_favicon_url=f"{assets}/favicon.png",
                with_google_fonts=False,
            )
        )

    app.add_route(DOCS_URL, swagger_ui, include_in_schema=False)
    app.add_route(REDOC_URL, redoc, include_in_schema=False)
