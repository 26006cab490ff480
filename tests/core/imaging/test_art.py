"""Panel art providers against a mock HTTP service: good pictures, and every way to fail."""

from __future__ import annotations

import base64
import io
import json

import httpx
import pytest
from PIL import Image

from core.imaging.art import HttpArtProvider, generated_art, placeholder_art, provider_from_env
from core.imaging.errors import ArtProviderError


def _png(color: str = "green", size: tuple[int, int] = (40, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def provider(handler) -> HttpArtProvider:
    return HttpArtProvider(
        url="http://127.0.0.1:9/generate",
        api_key="k",
        timeout=2,
        transport=httpx.MockTransport(handler),
    )


def test_image_bytes_reply_and_the_request_sent() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=_png(), headers={"content-type": "image/png"})

    art = generated_art(provider(handler), "a lighthouse in fog", (80, 60))
    assert art.mode == "RGB" and art.getpixel((0, 0)) == (0, 128, 0)
    body = json.loads(seen[0].content)
    assert body == {"prompt": "a lighthouse in fog", "width": 80, "height": 60}
    assert seen[0].headers["authorization"] == "Bearer k"


def test_json_reply_with_base64_image() -> None:
    encoded = base64.b64encode(_png("blue")).decode()
    art = generated_art(
        provider(lambda r: httpx.Response(200, json={"images": [encoded]})), "sea", (40, 30)
    )
    assert art.getpixel((1, 1)) == (0, 0, 255)


@pytest.mark.parametrize(
    "handler, message",
    [
        (lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=r)), "timed out"),
        (lambda r: httpx.Response(503, text="busy"), "HTTP 503"),
        (
            lambda r: httpx.Response(
                200, content=b"\x00garbage" * 50, headers={"content-type": "image/png"}
            ),
            "not a picture",
        ),
        (lambda r: httpx.Response(200, json={"status": "queued"}), "holds no image"),
        (lambda r: (_ for _ in ()).throw(httpx.ConnectError("refused", request=r)), "refused"),
    ],
)
def test_failures_are_one_clear_error(handler, message: str) -> None:
    with pytest.raises(ArtProviderError, match=message) as info:
        generated_art(provider(handler), "sea", (40, 30))
    assert "\n" not in str(info.value)


def test_provider_is_configured_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTHORWORKS_IMAGE_PROVIDER_URL", raising=False)
    assert provider_from_env() is None
    monkeypatch.setenv("AUTHORWORKS_IMAGE_PROVIDER_URL", "http://127.0.0.1:7860/art")
    monkeypatch.setenv("AUTHORWORKS_IMAGE_PROVIDER_KEY", "secret")
    configured = provider_from_env()
    assert (
        configured is not None
        and configured.url.endswith("/art")
        and configured.api_key == "secret"
    )


def test_placeholder_is_marked_and_sized() -> None:
    art = placeholder_art((400, 300), "Mara on the stairs")
    assert art.size == (400, 300)
    assert len(art.getcolors(maxcolors=100000) or []) > 3  # hatching and lettering, not a flat fill
