from html.parser import HTMLParser

import httpx
import pytest

JAVASCRIPT = {"text/javascript", "application/javascript"}
ASSET_TYPES = {".js": JAVASCRIPT, ".css": {"text/css"}, ".png": {"image/png"}}


class Links(HTMLParser):
    """Every address a page makes the browser load: scripts, styles, icons."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href", "spec-url"} and value:
                self.urls.append(value)


def links(page: str) -> list[str]:
    parser = Links()
    parser.feed(page)
    return parser.urls


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


@pytest.mark.parametrize(
    ("page", "script"),
    [("/v1/docs", "swagger-ui-bundle.js"), ("/v1/redoc", "redoc.standalone.js")],
)
async def test_a_docs_page_loads_only_the_apis_own_files(
    client: httpx.AsyncClient, page: str, script: str
) -> None:
    response = await client.get(page)

    assert response.status_code == 200
    assert media_type(response) == "text/html"
    # No address with a scheme or a host anywhere: not in tags, not in the script.
    assert "//" not in response.text
    urls = links(response.text)
    assert f"/v1/docs/assets/{script}" in urls
    assert "/v1/docs/assets/favicon.png" in urls
    assert all(url.startswith("/v1/") for url in urls), urls


@pytest.mark.parametrize("page", ["/v1/docs", "/v1/redoc"])
async def test_the_files_a_docs_page_names_are_served_with_their_type(
    client: httpx.AsyncClient, page: str
) -> None:
    html = (await client.get(page)).text

    for url in links(html):
        if url == "/v1/openapi.json":
            continue
        response = await client.get(url)
        assert response.status_code == 200, url
        assert response.content, url
        suffix = url[url.rindex(".") :]
        assert media_type(response) in ASSET_TYPES[suffix], url


async def test_swagger_ui_shows_no_badge_from_an_outside_validator(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/docs")

    assert '"validatorUrl": null' in response.text


@pytest.mark.parametrize("page", ["/v1/docs", "/v1/redoc"])
async def test_a_docs_page_may_load_images_only_from_the_api(
    client: httpx.AsyncClient, page: str
) -> None:
    response = await client.get(page)

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"


async def test_an_unknown_asset_is_a_404_envelope(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/docs/assets/missing.js")

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


async def test_the_docs_are_not_operations_of_the_api(
    client: httpx.AsyncClient,
) -> None:
    paths = (await client.get("/v1/openapi.json")).json()["paths"]

    assert not [path for path in paths if path.startswith(("/v1/docs", "/v1/redoc"))]
