"""Mutations of the blogs.

Pictures arrive as multipart uploads (the GraphQL multipart request spec);
the services check them by their content, whatever they are called.
"""

from __future__ import annotations

import strawberry
import strawberry_django
from strawberry.file_uploads import Upload

from core.models import BlogKind
from core.services import blogs
from schema.blogs.types import BlogPostType
from schema.context import Info
from schema.enums import BlogKindEnum
from schema.errors import UserError
from schema.payloads import perform, pk, shown_as

ERRORS = "Empty on success; otherwise why nothing was changed."
OWNER_TYPES = {
    BlogKind.GROUP: "Group",
    BlogKind.DOCUMENTATION: "Group",
    BlogKind.SCHOOL: "School",
    BlogKind.PRIVATE: "Pupil",
}


@strawberry.input(description="A blog post with photos.")
class BlogPostCreateInput:
    kind: BlogKindEnum = strawberry.field(description="Which blog.")
    owner_id: strawberry.ID = strawberry.field(
        description="The Group (class or documentation), School or Pupil (private) it is in."
    )
    title: str = strawberry.field(description="The title.")
    body: str = strawberry.field(description="The text.")
    images: list[Upload] = strawberry.field(
        default_factory=list, description="Photos (JPEG, PNG, WebP or GIF), at most 10."
    )


@strawberry.type(description="The new post, or why nothing changed.")
class BlogPostPayload:
    post: BlogPostType | None = strawberry.field(description="Null on error.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type
class BlogMutation:
    @strawberry_django.mutation(
        description="Post to a class, documentation, school or private blog."
    )
    def blog_post_create(self, info: Info, input: BlogPostCreateInput) -> BlogPostPayload:
        kind = BlogKind(input.kind.value)
        post, errors = perform(
            info,
            lambda actor: blogs.blog_post_create(
                actor=actor,
                kind=kind,
                owner_id=pk(input.owner_id, OWNER_TYPES[kind], "ownerId"),
                title=input.title,
                body=input.body,
                images=input.images,
            ),
            page=kind is BlogKind.PRIVATE,
        )
        return BlogPostPayload(post=shown_as(BlogPostType, post), errors=errors)
