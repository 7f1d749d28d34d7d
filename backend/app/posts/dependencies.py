from typing import Annotated
from uuid import UUID

from app.core.models import id_in_path
from app.posts.exceptions import PostNotFound

PostIdPath = Annotated[UUID, id_in_path(PostNotFound)]
