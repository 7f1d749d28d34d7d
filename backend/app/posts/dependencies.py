from typing import Annotated
from uuid import UUID

from fastapi import Depends

from app.core.models import parse_id
from app.posts.exceptions import PostNotFound


async def valid_post_id(post_id: str) -> UUID:
    return parse_id(post_id, PostNotFound)


PostIdDep = Annotated[UUID, Depends(valid_post_id)]
