"""What the character APIs expose: keys in the original's order, their columns and types."""

from lotr_kit.query.resources import OBJECT_ID, STRING, Field, Resource

CHARACTER = Resource(
    "character",
    (
        Field("_id", "id", OBJECT_ID, nullable=False),
        Field("name", "name", STRING, nullable=False),
        Field("wikiUrl", "wiki_url"),
        Field("race", "race"),
        Field("birth", "birth"),
        Field("gender", "gender"),
        Field("death", "death"),
        Field("hair", "hair"),
        Field("height", "height"),
        Field("realm", "realm"),
        Field("spouse", "spouse"),
    ),
)

# Quotes belong to the movie service; this copy of their shape only documents
# /v2/character/{id}/quote, whose answer the movie service produces.
QUOTE = Resource(
    "quote",
    (
        Field("_id", "id", OBJECT_ID, nullable=False),
        Field("dialog", "dialog", STRING, nullable=False),
        Field("movie", "movie", OBJECT_ID),
        Field("character", "character", OBJECT_ID),
    ),
    id_alias=True,
)
