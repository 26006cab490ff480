"""Panel art: the writer's pictures, an image-generation provider, or a marked placeholder.

A provider is anything with ``name`` and ``generate(prompt, size) -> bytes``. One ships:
:class:`HttpArtProvider`, which POSTs ``{"prompt", "width", "height"}`` as JSON to a
configurable URL and accepts either image bytes or JSON with a base64 ``image`` field
(the shape of most self-hosted Stable Diffusion front ends). Whatever goes wrong — a timeout,
a 5xx, bytes that are no picture — becomes an :class:`ArtProviderError`; the comic job turns
it into placeholder art and a message and goes on.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from typing import Any, Protocol

from PIL import Image, ImageDraw

from core.imaging.errors import ArtProviderError, ImageInputError
from core.imaging.fonts import load_font
from core.imaging.images import load_image
from core.imaging.lettering import draw_fit, fit_text

URL_ENV = "AUTHORWORKS_IMAGE_PROVIDER_URL"
KEY_ENV = "AUTHORWORKS_IMAGE_PROVIDER_KEY"
PLACEHOLDER_LABEL = "ART PLACEHOLDER"
MAX_RESPONSE_BYTES = 40_000_000


class ArtProvider(Protocol):
    """What comic rendering needs of an image generator."""

    name: str

    def generate(self, prompt: str, size: tuple[int, int]) -> bytes:
        """Encoded image bytes for ``prompt``; raises ArtProviderError on any failure."""
        ...


@dataclass
class HttpArtProvider:
    """An image generator behind an HTTP endpoint (httpx)."""

    url: str
    api_key: str = ""
    timeout: float = 60.0
    transport: Any = None  # an httpx transport; tests pass httpx.MockTransport
    name: str = "http"

    def generate(self, prompt: str, size: tuple[int, int]) -> bytes:
        import httpx

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        payload = {"prompt": prompt, "width": size[0], "height": size[1]}
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                response = client.post(self.url, json=payload, headers=headers)
        except httpx.TimeoutException:
            raise ArtProviderError(
                f"image provider {self.url}: timed out after {self.timeout:g} s"
            ) from None
        except httpx.HTTPError as exc:
            raise ArtProviderError(f"image provider {self.url}: {exc}") from None
        if response.status_code >= 400:
            raise ArtProviderError(f"image provider {self.url}: HTTP {response.status_code}")
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise ArtProviderError(f"image provider {self.url}: the reply is too large")
        return _image_bytes(response.headers.get("content-type", ""), response.content, self.url)


def _image_bytes(content_type: str, body: bytes, url: str) -> bytes:
    if "json" in content_type:
        try:
            import json

            data = json.loads(body)
            encoded = data.get("image") or (data.get("images") or [None])[0]
            if not isinstance(encoded, str) or not encoded:
                raise ValueError("no image field")
            return base64.b64decode(encoded, validate=True)
        except (ValueError, TypeError, AttributeError, binascii.Error):
            raise ArtProviderError(f"image provider {url}: the JSON reply holds no image") from None
    return body


def provider_from_env() -> HttpArtProvider | None:
    """The HTTP provider configured by $AUTHORWORKS_IMAGE_PROVIDER_URL, if any."""
    url = os.environ.get(URL_ENV, "").strip()
    if not url:
        return None
    return HttpArtProvider(url=url, api_key=os.environ.get(KEY_ENV, ""))


def generated_art(provider: ArtProvider, prompt: str, size: tuple[int, int]) -> Image.Image:
    """The provider's picture for ``prompt``, checked to be an image; ArtProviderError if not."""
    data = provider.generate(prompt, size)
    try:
        return load_image(data, name=f"image provider {provider.name}", target_size=size)
    except ImageInputError as exc:
        raise ArtProviderError(
            f"{exc} (the provider returned something that is not a picture)"
        ) from None


def placeholder_art(size: tuple[int, int], description: str) -> Image.Image:
    """A clearly marked stand-in: hatched grey, "ART PLACEHOLDER" and the panel's description."""
    w, h = size
    img = Image.new("RGB", size, (226, 226, 222))
    draw = ImageDraw.Draw(img)
    step = max(6, min(w, h) // 12)
    for x in range(-h, w, step):
        draw.line((x, h, x + h, 0), fill=(208, 208, 204), width=max(1, step // 6))
    label_h = max(8, h // 14)
    font = load_font("sans-bold", label_h)
    tw = font.getlength(PLACEHOLDER_LABEL)
    ly = round(h * 0.55)
    if tw < w * 0.95:
        draw.text(((w - tw) / 2, ly), PLACEHOLDER_LABEL, font=font, fill=(150, 150, 146))
    if description:
        box = (round(w * 0.84), max(1, round(h * 0.3)))
        fit = fit_text(
            description, box, font="sans", max_size=max(6, label_h * 2 // 3),
            min_size=max(5, label_h // 3), wrap_below=1.0, what="panel description",
        )  # fmt: skip
        draw_fit(
            draw, fit, (round(w * 0.08), ly + label_h * 1.4), font="sans",
            fill=(120, 120, 116), valign="top",
        )  # fmt: skip
    return img
