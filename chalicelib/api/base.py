"""The base of every request and response body."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ApiModel(BaseModel):
    """A body whose validator and serializer are built the first time it is used.

    Every function imports app.py, and so every body the API declares (about 150).
    Building them all at import was most of a cold start's own time; deferred, a
    consumer builds none and the API function builds only those its requests use.
    """

    model_config = ConfigDict(defer_build=True)
