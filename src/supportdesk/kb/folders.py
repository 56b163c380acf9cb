"""Knowledge base folders: groups of articles inside one category.

A folder is addressed by its category's name and its own; folder names are
unique within a category. Moving a folder to another category takes its
articles along. A folder that still holds articles cannot be deleted.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select

from supportdesk.db.sequences import next_id
from supportdesk.errors import Conflict
from supportdesk.kb.lookup import (
    agent_email,
    author_id,
    find_folder,
    flush,
    require_category,
    require_folder,
    required_name,
)
from supportdesk.kb.models import KbArticle, KbCategory, KbFolder
from supportdesk.kb.schemas import FolderCreate, FolderRead, FolderUpdate
from supportdesk.unit import TenantUnit


def get_folder(unit: TenantUnit, *, category_name: str, folder_name: str) -> FolderRead:
    """The folder in the category; 404 naming the category or folder that does not exist."""
    category, folder = require_folder(unit, category_name, folder_name)
    return _read(unit, folder, category)


def create_folder(unit: TenantUnit, *, data: FolderCreate) -> FolderRead:
    """Add a folder to a category; 409 if the category already has one of that name."""
    category = require_category(unit, required_name(data.category_name, field="category_name"))
    name = required_name(data.folder_name, field="folder_name")
    if find_folder(unit, category.id, name) is not None:
        raise Conflict(f"the KB category {category.name!r} already has a folder named {name!r}")
    creator = author_id(unit, data.created_by_email, field="created_by_email")
    now = unit.clock.now()
    folder = KbFolder(id=next_id(unit.session, "kb_folders"), category_id=category.id, name=name,
                      created_by_agent_id=creator, created_at=now, updated_at=now)
    unit.session.add(folder)
    flush(unit, f"the folder {name!r}")
    unit.commit()
    return _read(unit, folder, category)


def update_folder(unit: TenantUnit, *, category_name: str, folder_name: str,
                  changes: FolderUpdate) -> FolderRead:
    """Rename the folder and/or move it (with its articles) to another category."""
    category, folder = require_folder(unit, category_name, folder_name)
    present = changes.model_fields_set
    if "category_name" in present:
        category = require_category(
            unit, required_name(changes.category_name, field="category_name"))
    name = required_name(changes.folder_name, field="folder_name") \
        if "folder_name" in present else folder.name
    other = find_folder(unit, category.id, name)
    if other is not None and other.id != folder.id:
        raise Conflict(f"the KB category {category.name!r} already has a folder named {name!r}")
    folder.category_id = category.id
    folder.name = name
    folder.updated_at = unit.clock.now()
    flush(unit, f"the folder {name!r}")
    unit.commit()
    return _read(unit, folder, category)


def delete_folder(unit: TenantUnit, *, category_name: str, folder_name: str) -> None:
    """Remove an empty folder; 409 while articles remain in it."""
    _category, folder = require_folder(unit, category_name, folder_name)
    articles = unit.session.scalar(
        select(func.count()).select_from(KbArticle).where(KbArticle.folder_id == folder.id)
    ) or 0
    if articles:
        raise Conflict(f"the folder {folder.name!r} still has {articles} "
                       f"article{'s' if articles != 1 else ''}; delete them or move them to "
                       "another folder first")
    unit.session.execute(delete(KbFolder).where(KbFolder.id == folder.id))
    unit.commit()


def _read(unit: TenantUnit, folder: KbFolder, category: KbCategory) -> FolderRead:
    return FolderRead(name=folder.name, category_name=category.name,
                      created_by_email=agent_email(unit, folder.created_by_agent_id),
                      created_at=folder.created_at)
