"""LangChain's standard test suites for the project's `E5Embeddings`."""

from __future__ import annotations

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from knowledge import E5Embeddings


class E5Under:
    """What both suites are given: the class under test and how to make it."""

    @property
    def embeddings_class(self) -> type[E5Embeddings]:
        return E5Embeddings

    @property
    def embedding_model_params(self) -> dict:
        return {"num_threads": 1}


class TestE5EmbeddingsUnit(E5Under, EmbeddingsUnitTests):
    pass


@pytest.mark.asyncio  # its two async tests need pytest-asyncio (strict mode); the sync ones only warn
@pytest.mark.filterwarnings("ignore:.*marked with .@pytest.mark.asyncio. but it is not an async function")
class TestE5EmbeddingsIntegration(E5Under, EmbeddingsIntegrationTests):
    pass


def test_vectors_are_unit_length_with_384_dimensions():
    import math

    model = E5Embeddings(num_threads=1)
    vectors = [model.embed_query("강점"), *model.embed_documents(["strengths", ""])]
    assert all(len(v) == 384 for v in vectors)
    assert all(abs(math.sqrt(sum(x * x for x in v)) - 1.0) < 1e-3 for v in vectors)


def test_batches_give_the_same_vectors_as_one_call():
    model = E5Embeddings(num_threads=1, batch_size=2)
    texts = ["하나", "둘", "셋", "넷", "다섯"]
    batched = model.embed_documents(texts)
    single = E5Embeddings(num_threads=1, batch_size=32).embed_documents(texts)
    assert len(batched) == 5
    for a, b in zip(batched, single):
        assert max(abs(x - y) for x, y in zip(a, b)) < 1e-5


def test_query_and_passage_prefixes_differ():
    """e5 needs `query:` / `passage:` prefixes; the same text must embed differently in each role."""
    model = E5Embeddings(num_threads=1)
    q = model.embed_query("모방 학습")
    (d,) = model.embed_documents(["모방 학습"])
    assert max(abs(x - y) for x, y in zip(q, d)) > 1e-3
