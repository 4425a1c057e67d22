"""What instructors attach to drafts: links and files on lessons, a course's thumbnail, a lesson's
video and subtitles. Files arrive through the resumable uploader first; attaching one checks it
is the instructor's own, finished, and of a kind that use accepts."""

from __future__ import annotations

import uuid

from lmsdesk.contracts.authoring import AddFileArgs, AddLinkArgs, AttachMediaArgs, SetThumbnailArgs
from lmsdesk.contracts.enums import MediaStatus, ResourceKind
from lmsdesk.contracts.media import RESOURCE_KINDS, THUMBNAIL_KINDS, UPLOAD_TYPES
from lmsdesk_server.authoring.repository import AuthoringRepository
from lmsdesk_server.authoring.service.drafts import course_of, refuse_taken, written
from lmsdesk_server.db.models import Course, Lesson, LessonResource, MediaAsset
from lmsdesk_server.db.partitions import draft_partition, stamp
from lmsdesk_server.mutation import MutationContext, MutationRejected


def _new_resource(
    ctx: MutationContext, lesson_id: uuid.UUID, resource_id: uuid.UUID
) -> tuple[Course, Lesson, int]:
    """The checks every new resource of a lesson passes: (course, lesson, next position)."""
    repo = AuthoringRepository(ctx.session)
    lesson = repo.get_or_refuse(Lesson, lesson_id, "That lesson no longer exists.")
    course = course_of(ctx, lesson.course_id)
    existing = repo.find(LessonResource, resource_id)
    refuse_taken(
        existing,
        same_parent=existing is not None and existing.lesson_id == lesson.id,
        what="resource",
    )
    return course, lesson, repo.last_resource_position(lesson.id) + 1


def add_link(ctx: MutationContext, args: AddLinkArgs) -> dict[str, object]:
    course, lesson, position = _new_resource(ctx, args.lesson_id, args.resource_id)
    link = LessonResource(
        id=args.resource_id,
        lesson_id=lesson.id,
        title=args.title,
        kind=ResourceKind.LINK,
        url=args.url,
        position=position,
    )
    return written(ctx, course, link, new=True)


def add_file(ctx: MutationContext, args: AddFileArgs) -> dict[str, object]:
    course, lesson, position = _new_resource(ctx, args.lesson_id, args.resource_id)
    asset = _own_upload(ctx, args.asset_id, RESOURCE_KINDS, "a lesson's file")
    stamp(ctx.session, asset, draft_partition(course.id))
    kind = ResourceKind.PDF if asset.mime_type == "application/pdf" else ResourceKind.FILE
    resource = LessonResource(
        id=args.resource_id,
        lesson_id=lesson.id,
        title=args.title,
        kind=kind,
        asset_id=asset.id,
        position=position,
    )
    return written(ctx, course, resource, new=True)


def set_thumbnail(ctx: MutationContext, args: SetThumbnailArgs) -> dict[str, object]:
    course = course_of(ctx, args.course_id)
    if args.asset_id is not None:
        asset = _own_upload(ctx, args.asset_id, THUMBNAIL_KINDS, "a thumbnail")
        stamp(ctx.session, asset, draft_partition(course.id))
    course.thumbnail_asset_id = args.asset_id
    return written(ctx, course, course)


def _own_upload(
    ctx: MutationContext, asset_id: uuid.UUID, kinds: frozenset[str], use: str
) -> MediaAsset:
    asset = AuthoringRepository(ctx.session).find(MediaAsset, asset_id)
    if asset is None or asset.owner_id != ctx.actor.id:
        raise MutationRejected("That file was not uploaded from your account.")
    if asset.status is not MediaStatus.READY:
        raise MutationRejected("That file has not finished uploading.")
    if UPLOAD_TYPES.get(asset.mime_type) not in kinds:
        raise MutationRejected(f"A {asset.mime_type} file cannot be {use}.")
    return asset


def attach_media(ctx: MutationContext, args: AttachMediaArgs) -> dict[str, object]:
    lesson = AuthoringRepository(ctx.session).get_or_refuse(
        Lesson, args.lesson_id, "That lesson no longer exists."
    )
    course = course_of(ctx, lesson.course_id)
    asset = None
    if args.asset_id is not None:
        asset = _own_upload(ctx, args.asset_id, frozenset({args.kind}), f"a lesson's {args.kind}")
        stamp(ctx.session, asset, draft_partition(course.id))
    if args.kind == "video":
        lesson.video_asset_id = args.asset_id
        duration = asset.duration_seconds if asset is not None else None
        lesson.duration_seconds = round(duration) if duration is not None else None
    else:
        lesson.subtitles_asset_id = args.asset_id
    return written(ctx, course, lesson)
