"""Library half of ``FakePlex``: seeding helpers, metadata shapes and the XML fallback.

Metadata entries follow SPEC §9.3 and Plex Media Server's JSON (``MediaContainer`` with
``Metadata``/``Directory``/``Hub`` lists, integer ``librarySectionID``, attributes that are
absent rather than null). Listings leave ``Guid`` out unless ``includeGuids=1``, as Plex does.
"""

from __future__ import annotations

import itertools
import unicodedata
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from typing import Any

TYPE_NUMBERS = {"artist": 8, "album": 9, "track": 10, "playlist": 15}
XML_TAGS = {"track": "Track", "album": "Directory", "artist": "Directory", "playlist": "Playlist"}


def fold(text: str) -> str:
    """Lower-case and strip accents, as Plex search does."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def to_xml(container: dict[str, Any]) -> bytes:
    """Render a ``{"MediaContainer": {...}}`` body the way Plex answers without JSON Accept."""

    def build(tag: str, value: dict[str, Any]) -> ET.Element:
        element = ET.Element(tag)
        for key, item in value.items():
            if isinstance(item, list):
                for child in item:
                    if isinstance(child, dict):
                        name = XML_TAGS.get(child.get("type", ""), key)
                        element.append(build(name if key == "Metadata" else key, child))
            elif isinstance(item, dict):
                element.append(build(key, item))
            elif item is not None:
                element.set(key, {True: "1", False: "0"}.get(item, str(item)))  # type: ignore[call-overload]
        return element

    ((root_tag, root),) = container.items()
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(build(root_tag, root))


class PlexLibraryMixin:
    """Sections, artists, albums, tracks; state lives on ``FakePlex``."""

    lock: Any
    sections: dict[str, dict[str, Any]]
    items: dict[str, dict[str, Any]]

    _ids: itertools.count[int]
    _clock: itertools.count[int]

    # Seeding

    def add_section(
        self,
        title: str = "Music",
        *,
        key: str | None = None,
        type: str = "artist",
        agent: str = "tv.plex.agents.music",
        location: str = "/data/music",
    ) -> dict[str, Any]:
        """Add a library section (``Directory`` entry of ``/library/sections``)."""
        key = key or str(len(self.sections) + 1)
        stamp = next(self._clock)
        section = {
            "allowSync": True,
            "art": f"/:/resources/{type}-fanart.jpg",
            "composite": f"/library/sections/{key}/composite/{stamp}",
            "filters": True,
            "refreshing": False,
            "thumb": f"/:/resources/{type}.png",
            "key": key,
            "type": type,
            "title": title,
            "agent": agent,
            "scanner": "Plex Music" if type == "artist" else "Plex Movie",
            "language": "en-US",
            "uuid": str(uuid.uuid4()),
            "updatedAt": stamp,
            "createdAt": stamp,
            "scannedAt": stamp,
            "content": True,
            "directory": True,
            "contentChangedAt": stamp,
            "hidden": 0,
            "Location": [{"id": int(key), "path": location}],
        }
        with self.lock:
            self.sections[key] = section
        return section

    def add_artist(
        self,
        title: str,
        *,
        section: str | None = None,
        genres: Sequence[str] = (),
        rating_key: str | None = None,
    ) -> dict[str, Any]:
        """Add an artist to a section (the first one, created as "Music" if needed)."""
        item = self._base("artist", title, section, rating_key)
        item["key"] += "/children"
        item.update({"summary": "", "index": 1})
        if genres:
            item["Genre"] = [{"tag": g} for g in genres]
        item["Guid"] = [{"id": f"mbid://{uuid.uuid5(uuid.NAMESPACE_URL, 'artist:' + title)}"}]
        return item

    def add_album(
        self,
        title: str,
        artist: str = "Artist",
        *,
        year: int = 2007,
        section: str | None = None,
        genres: Sequence[str] = (),
        rating_key: str | None = None,
    ) -> dict[str, Any]:
        """Add an album (its artist is found by title or created)."""
        parent = self._find("artist", artist, section) or self.add_artist(artist, section=section)
        item = self._base("album", title, parent["_section"], rating_key, parent)
        item["key"] += "/children"
        if genres:
            item["Genre"] = [{"tag": g} for g in genres]
        item.update(
            {
                "summary": "",
                "index": 1,
                "year": year,
                "originallyAvailableAt": f"{year}-01-01",
                "viewedLeafCount": 0,
                "Guid": [{"id": f"mbid://{uuid.uuid5(uuid.NAMESPACE_URL, artist + title)}"}],
            }
        )
        return item

    def add_track(
        self,
        title: str,
        artist: str = "Artist",
        album: str = "Album",
        *,
        index: int | None = None,
        parent_index: int = 1,
        duration: int = 240_000,
        codec: str = "flac",
        bitrate: int = 1011,
        size: int = 40_213_000,
        file: str | None = None,
        guids: Iterable[str] | None = None,
        original_title: str | None = None,
        genres: Sequence[str] = (),
        section: str | None = None,
        rating_key: str | None = None,
    ) -> dict[str, Any]:
        """Add a track entry shaped like SPEC §9.3 (album and artist created on demand)."""
        parent = self._find("album", album, section, artist) or self.add_album(
            album, artist, section=section
        )
        item = self._base("track", title, parent["_section"], rating_key, parent)
        number = index or self._child_counts().get(parent["ratingKey"], 0)
        location = self.sections[parent["_section"]]["Location"][0]["path"]
        safe_title = title.replace("/", "_")
        path = file or f"{location}/{artist}/{album}/{number:02d} - {safe_title}.{codec}"
        part_id = next(self._ids)
        item.update(
            {
                "parentIndex": parent_index,
                "index": number,
                "parentYear": parent["year"],
                "duration": duration,
                "Media": [
                    {
                        "id": part_id,
                        "duration": duration,
                        "bitrate": bitrate,
                        "audioChannels": 2,
                        "audioCodec": codec,
                        "container": codec,
                        "Part": [
                            {
                                "id": part_id,
                                "key": f"/library/parts/{part_id}/{item['addedAt']}/file.{codec}",
                                "duration": duration,
                                "file": path,
                                "size": size,
                                "container": codec,
                            }
                        ],
                    }
                ],
                "Guid": [{"id": g} for g in guids]
                if guids is not None
                else [{"id": f"mbid://{uuid.uuid5(uuid.NAMESPACE_URL, path)}"}],
            }
        )
        if original_title is not None:
            item["originalTitle"] = original_title
        if genres:
            item["Genre"] = [{"tag": g} for g in genres]
        return item

    def make_tracks(
        self, count: int, *, artist: str = "Bulk Artist", album: str = "Bulk Album"
    ) -> list[dict[str, Any]]:
        """Add ``count`` tracks to one album (paging tests)."""
        return [self.add_track(f"Track {i}", artist, album, index=i) for i in range(1, count + 1)]

    # Shapes

    def _base(
        self,
        kind: str,
        title: str,
        section: str | None,
        rating_key: str | None,
        parent: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        section_key = self._section_key(section)
        rating_key = rating_key or str(next(self._ids))
        stamp = next(self._clock)
        item: dict[str, Any] = {
            "ratingKey": rating_key,
            "key": f"/library/metadata/{rating_key}",
            "guid": f"plex://{kind}/{uuid.uuid5(uuid.NAMESPACE_URL, rating_key).hex[:24]}",
            "type": kind,
            "title": title,
            "librarySectionID": int(section_key),
            "librarySectionTitle": self.sections[section_key]["title"],
            "librarySectionKey": f"/library/sections/{section_key}",
            "addedAt": stamp,
            "updatedAt": stamp,
            "_section": section_key,
        }
        if parent is not None:
            item.update(
                {
                    "parentRatingKey": parent["ratingKey"],
                    "parentKey": f"/library/metadata/{parent['ratingKey']}",
                    "parentTitle": parent["title"],
                    "_parent": parent["ratingKey"],
                }
            )
            if "parentRatingKey" in parent:
                item.update(
                    {
                        "grandparentRatingKey": parent["parentRatingKey"],
                        "grandparentKey": parent["parentKey"],
                        "grandparentTitle": parent["parentTitle"],
                    }
                )
        with self.lock:
            self.items[rating_key] = item
            # Name and child indexes keep seeding linear for 50,000-track benchmark libraries.
            self._name_index().setdefault((kind, title, section_key), []).append(item)
            if parent is not None:
                children = self._child_counts()
                children[parent["ratingKey"]] = children.get(parent["ratingKey"], 0) + 1
        return item

    def _name_index(self) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
        if not hasattr(self, "_seed_names"):
            self._seed_names: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        return self._seed_names

    def _child_counts(self) -> dict[str, int]:
        if not hasattr(self, "_seed_children"):
            self._seed_children: dict[str, int] = {}
        return self._seed_children

    def _section_key(self, section: str | None) -> str:
        with self.lock:
            if section is None:
                return next(iter(self.sections), None) or str(self.add_section()["key"])
            for key, value in self.sections.items():
                if section in (key, value["title"]):
                    return key
            return str(self.add_section(section)["key"])

    def _find(
        self, kind: str, title: str, section: str | None, parent_title: str | None = None
    ) -> dict[str, Any] | None:
        key = self._section_key(section)
        for item in self._name_index().get((kind, title, key), ()):
            if item["ratingKey"] not in self.items:
                continue  # deleted meanwhile
            if parent_title is None or item.get("parentTitle") == parent_title:
                return item
        return None

    def public(self, item: dict[str, Any], *, guids: bool = True) -> dict[str, Any]:
        """A metadata entry as Plex sends it (derived counts filled in)."""
        body = {k: v for k, v in item.items() if not k.startswith("_")}
        if item["type"] in ("album", "artist"):
            children = [i for i in self.items.values() if i.get("_parent") == item["ratingKey"]]
            body["leafCount" if item["type"] == "album" else "childCount"] = len(children)
        if not guids:
            body.pop("Guid", None)
        return body
