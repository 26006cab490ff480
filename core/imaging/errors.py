"""Errors of the imaging package: bad pictures, unknown templates, failed renders."""

from __future__ import annotations

from core.errors import AuthorWorksError


class ImagingError(AuthorWorksError):
    """A cover, comic or trailer could not be made; nothing was written at the target."""


class ImageInputError(ImagingError):
    """A picture given to us cannot be used (corrupt, too large, unknown format)."""


class TemplateError(ImagingError):
    """A cover template is unknown or malformed."""


class ArtProviderError(ImagingError):
    """An image-generation provider failed (timeout, HTTP error, bytes that are no image)."""
