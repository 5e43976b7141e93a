"""Class, school and private blogs, and preschool documentation."""

from __future__ import annotations

import datetime as dt

import strawberry_django
from django.urls import reverse
from strawberry import relay

from core.models import BlogImage, BlogPost
from core.selectors import pages
from schema.common import person_field
from schema.context import scoped
from schema.enums import BlogKindEnum


@strawberry_django.type(BlogImage, name="BlogImage", description="A photo in a post.")
class BlogImageType(relay.Node):
    width: int = strawberry_django.field(description="In pixels.")
    height: int = strawberry_django.field(description="In pixels.")

    @strawberry_django.field(description="Where readers of the post fetch it; others get 404.")
    def url(self, root: BlogImage) -> str:
        return reverse("blog-image", args=[root.pk])

    get_queryset = scoped(lambda v: pages.blog_posts(v, "post"))


@strawberry_django.type(
    BlogPost,
    name="BlogPost",
    description="A post on a class blog, a school blog, a pupil's private blog, or "
    "preschool documentation for a department.",
)
class BlogPostType(relay.Node):
    kind: BlogKindEnum = strawberry_django.field(
        description="Which blog, which decides who reads it."
    )
    title: str = strawberry_django.field(description="The headline.")
    body: str = strawberry_django.field(description="The text.")
    created_at: dt.datetime = strawberry_django.field(description="When it was posted.")
    updated_at: dt.datetime = strawberry_django.field(description="When it was last edited.")
    author = person_field("author", "Who posted it.")
    images: list[BlogImageType] = strawberry_django.field(description="Its photos.")

    get_queryset = scoped(pages.blog_posts)
