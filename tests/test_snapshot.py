"""The byte-identity check of refactorings (``python -m bench snapshot``): digests and their comparison."""

from __future__ import annotations

from tests.conftest import CORPUS, load_bench

snapshot = load_bench("snapshot")


def test_digest_is_canonical_and_tells_values_apart() -> None:
    assert snapshot.digest({"a": 1, "b": "é"}) == snapshot.digest({"b": "é", "a": 1})
    assert snapshot.digest(["x"]) != snapshot.digest(["x "])
    assert snapshot.digest("\ud800") != snapshot.digest("\ufffd")  # lone surrogates are digested, not lost


def test_a_document_is_digested_by_text_audit_and_metadata() -> None:
    name = "000_f067d610a81d18b0.txt"
    key, parts = snapshot._clean((f"seeds/{name}", "text", (CORPUS / name).read_text(encoding="utf-8"), None))
    assert key == f"seeds/{name}" and set(parts) == {"text", "audit", "metadata"}
    again = snapshot._clean((key, "text", (CORPUS / name).read_text(encoding="utf-8") + "\n\nAdvertisement", None))[1]
    assert again["text"] == parts["text"] and again["audit"] != parts["audit"]  # one more removal, same output


def test_compare_names_every_document_that_differs() -> None:
    saved = {"a": {"text": "1", "audit": "2"}, "b": {"text": "3"}, "c": {"text": "4"}}
    now = {"a": {"text": "1", "audit": "9"}, "b": {"text": "3"}, "d": {"text": "5"}}
    assert snapshot.compare(saved, now) == [
        "a: audit differ",
        "c: missing (in the snapshot, not cleaned now)",
        "d: new (not in the snapshot)",
    ]
    assert snapshot.compare(saved, saved) == []
