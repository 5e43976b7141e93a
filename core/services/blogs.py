"""Posts to a class or department blog, the school blog, or a pupil's private blog."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from django.db import transaction
from django.db.models import Q

from core.models import BlogImage, BlogKind, BlogPost, Group, NoticeKind, User
from core.selectors.notices import group_audience
from core.services.common import fetch, readable_pupil, require, text
from core.services.learning import checked_images
from core.services.notices import Change, notify
from core.services.uploads import removed_on_failure
from permissions import rules
from permissions.relations import blog_groups, blog_schools


def blog_post_create(
    *,
    actor: User,
    kind: BlogKind,
    owner_id: int,
    title: str,
    body: str,
    images: Sequence[IO[bytes] | Any] = (),
) -> BlogPost:
    """A post with photos; `owner_id` is the group, school or pupil `kind` names."""
    fields = {"title": text(title, "title", limit=200), "body": text(body, "body")}
    pictures = checked_images(images)
    owner = _owner(actor, kind, owner_id)
    with removed_on_failure() as stored, transaction.atomic():
        post = BlogPost.objects.create(kind=kind, author=actor, **owner, **fields)
        for picture in pictures:
            stored.append(BlogImage.objects.create(post=post, image=picture).image.name)
        _post_notice(post, actor)
        return post


def _post_notice(post: BlogPost, actor: User) -> None:
    """Tell the blog's readers: the class's families and staff, or the school's."""
    if post.kind == BlogKind.PRIVATE:
        return  # only the pupil reads it, and the pupil wrote it
    text_ = f"Nytt inlägg: {post.title}"[:200]
    if post.kind == BlogKind.SCHOOL:
        groups = Group.objects.filter(school_id=post.school_id or 0).values("pk")
        change = Change(NoticeKind.BLOG_POST, "BlogPost", post.pk, text_, school_id=post.school_id)
    else:
        groups = Group.objects.filter(pk=post.group_id or 0).values("pk")
        change = Change(NoticeKind.BLOG_POST, "BlogPost", post.pk, text_, group_id=post.group_id)
    notify(change, actor=actor, audience=group_audience(groups))


def _owner(actor: User, kind: BlogKind, owner_id: int) -> dict[str, Any]:
    """The blog's owner, readable by the actor, who must also write there."""
    if kind == BlogKind.SCHOOL:
        school = fetch(blog_schools(actor), Q(), owner_id)
        require(rules.can_write_school_blog(actor, school))
        return {"school": school}
    if kind == BlogKind.PRIVATE:
        pupil = readable_pupil(actor, owner_id)
        require(rules.can_use_private_blog(actor, pupil))
        return {"pupil": pupil}
    group = fetch(blog_groups(actor), Q(), owner_id)
    require(rules.can_write_class_blog(actor, group))
    return {"group": group}
