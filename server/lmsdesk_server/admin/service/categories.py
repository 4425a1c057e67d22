"""The category tree: add, rename, move (never under itself), delete when empty. Categories
are in the catalog partition, so every client sees the tree change at its next sync; a deleted
one leaves by tombstone."""

from __future__ import annotations

import uuid

from lmsdesk.contracts.admin import AdminCategories, AdminCategory, CategoryArgs, CategoryOp
from lmsdesk.contracts.slugs import slug_of
from lmsdesk_server.admin.repository import AdminRepository
from lmsdesk_server.admin.service.audit import record, require_admin
from lmsdesk_server.db.models import Category
from lmsdesk_server.db.partitions import CATALOG_PARTITION, stamp, write_tombstone
from lmsdesk_server.mutation import MutationContext, MutationMerged, MutationRejected


def tree(repo: AdminRepository) -> AdminCategories:
    return AdminCategories(
        items=[
            AdminCategory(
                id=c.id,
                name=c.name,
                slug=c.slug,
                parent_id=c.parent_id,
                position=c.position,
                course_count=count,
            )
            for c, count in repo.categories()
        ]
    )


def change(ctx: MutationContext, args: CategoryArgs) -> dict[str, object] | None:
    require_admin(ctx.actor)
    repo = AdminRepository(ctx.session)
    repo.lock_category_tree()
    if args.op is CategoryOp.CREATE:
        return _create(ctx, repo, args)
    row = repo.get_or_refuse(
        Category, args.category_id, "No such category.", lock=True, status=404, code="not_found"
    )
    if args.op is CategoryOp.DELETE:
        _delete(ctx, repo, row)
        return None
    return _update(ctx, repo, row, args)


def _create(ctx: MutationContext, repo: AdminRepository, args: CategoryArgs) -> dict[str, object]:
    if not args.name:
        raise MutationRejected("A new category needs a name.", status=422, code="name_missing")
    existing = repo.find(Category, args.category_id)
    if existing is not None:
        if existing.name == args.name and existing.parent_id == args.parent_id:
            raise MutationMerged("This category was added already.", _row(existing))
        raise MutationRejected("That category id is taken.", status=409, code="id_taken")
    _parent(repo, args.parent_id)
    row = Category(
        id=args.category_id,
        parent_id=args.parent_id,
        name=args.name,
        slug=slug_of(args.name, args.category_id, fallback="category"),
        position=repo.next_position(args.parent_id),
    )
    ctx.session.add(row)
    stamp(ctx.session, row, CATALOG_PARTITION)
    ctx.session.flush()
    record(
        ctx,
        action="category.create",
        target_kind="category",
        target_id=row.id,
        summary=f"Added category “{row.name}”",
        details={"parent_id": str(args.parent_id) if args.parent_id else None},
    )
    return _row(row)


def _update(
    ctx: MutationContext, repo: AdminRepository, row: Category, args: CategoryArgs
) -> dict[str, object]:
    before = {"name": row.name, "parent_id": str(row.parent_id) if row.parent_id else None}
    if args.name:
        row.name = args.name
    if args.move_to_top:
        row.parent_id = None
    elif args.parent_id is not None and args.parent_id != row.parent_id:
        _parent(repo, args.parent_id)
        if _is_within(repo, args.parent_id, row.id):
            raise MutationRejected(
                f"“{row.name}” cannot move under itself or one of its own subcategories.",
                status=409,
                code="category_cycle",
            )
        row.parent_id = args.parent_id
        row.position = repo.next_position(args.parent_id)
    after = {"name": row.name, "parent_id": str(row.parent_id) if row.parent_id else None}
    if after == before:
        raise MutationMerged("Nothing to change.", _row(row))
    stamp(ctx.session, row, CATALOG_PARTITION)
    ctx.session.flush()
    record(
        ctx,
        action="category.change",
        target_kind="category",
        target_id=row.id,
        summary=f"Changed category “{before['name']}”"
        + (f" to “{row.name}”" if row.name != before["name"] else "")
        + (" and moved it" if after["parent_id"] != before["parent_id"] else ""),
        details={"before": before, "after": after},
    )
    return _row(row)


def _delete(ctx: MutationContext, repo: AdminRepository, row: Category) -> None:
    courses, children = repo.courses_in(row.id), repo.children_of(row.id)
    if courses or children:
        held = f"{courses} course{'s' * (courses != 1)}" if courses else ""
        under = f"{children} subcategor{'ies' if children != 1 else 'y'}" if children else ""
        raise MutationRejected(
            f"“{row.name}” still holds {' and '.join(x for x in (held, under) if x)}: move "
            "them first.",
            status=409,
            code="category_not_empty",
        )
    name = row.name
    ctx.session.delete(row)
    write_tombstone(ctx.session, CATALOG_PARTITION, "categories", str(row.id))
    ctx.session.flush()
    record(
        ctx,
        action="category.delete",
        target_kind="category",
        target_id=row.id,
        summary=f"Deleted category “{name}”",
    )


def _parent(repo: AdminRepository, parent_id: uuid.UUID | None) -> None:
    if parent_id is not None and repo.find(Category, parent_id) is None:
        raise MutationRejected("The parent category does not exist.", status=422, code="no_parent")


def _is_within(repo: AdminRepository, candidate: uuid.UUID, ancestor: uuid.UUID) -> bool:
    """`candidate` is `ancestor` or below it."""
    seen: set[uuid.UUID] = set()
    current: uuid.UUID | None = candidate
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        node = repo.find(Category, current)
        current = node.parent_id if node is not None else None
    return False


def _row(row: Category) -> dict[str, object]:
    return {
        "id": str(row.id),
        "name": row.name,
        "slug": row.slug,
        "parent_id": str(row.parent_id) if row.parent_id else None,
        "position": row.position,
    }
