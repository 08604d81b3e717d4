import math

import pytest
import torch

from helpers.transformer import (
    CHANCE,
    BlockStack,
    TransformerBlock,
    block_gradient_norms,
    copy_task,
    token_similarity,
    train_copy,
)


def small(**kwargs):
    return BlockStack(vocab=20, context=16, emb_dim=16, heads=2, blocks=3, **kwargs)


def test_shapes():
    inputs, targets = copy_task(batch=5)
    assert inputs.shape == targets.shape == (5, 16)
    assert small()(inputs).shape == (5, 16, 20)
    assert len(small().hidden_states(inputs)) == 4


def test_copy_task_targets_repeat_the_sequence():
    inputs, targets = copy_task(batch=2, length=8, seed=3)
    assert (inputs[:, 8] == 0).all() and (targets[:, :8] == -100).all()
    assert torch.equal(targets[:, 8:], inputs[:, :8])
    assert torch.equal(targets[:, 8:15], inputs[:, 9:])  # each target is the next input
    assert inputs[:, :8].min() >= 2 and math.isclose(CHANCE, math.log(18))


@pytest.mark.parametrize("shortcut, norm", [(True, "pre"), (True, "post"), (False, "pre"), (False, "post")])
def test_causal_masking(shortcut, norm):
    stack = small(shortcut=shortcut, norm=norm)
    inputs, _ = copy_task(batch=2)
    changed = inputs.clone()
    changed[:, 10:] = (changed[:, 10:] + 1) % 20  # change only the tokens from position 10 on
    with torch.no_grad():
        before, after = stack(inputs), stack(changed)
    torch.testing.assert_close(before[:, :10], after[:, :10])  # earlier tokens cannot see them
    assert not torch.allclose(before[:, 10:], after[:, 10:])


def test_same_seed_same_outputs_and_other_seed_differs():
    inputs, _ = copy_task(batch=2)
    with torch.no_grad():
        assert torch.equal(small(seed=4)(inputs), small(seed=4)(inputs))
        assert not torch.equal(small(seed=4)(inputs), small(seed=5)(inputs))


def test_the_switches_change_the_computation():
    torch.manual_seed(0)
    x = torch.randn(2, 6, 16)
    with_shortcut = TransformerBlock(16, 2, shortcut=True, norm="pre")
    without = TransformerBlock(16, 2, shortcut=False, norm="pre")
    without.load_state_dict(with_shortcut.state_dict())
    with torch.no_grad():
        # with shortcuts the output is x + attention + feed-forward terms; without, it is not
        a = with_shortcut(x)
        b = without(x)
        attn = with_shortcut.attend(with_shortcut.norm1(x))
        mid = x + attn
        torch.testing.assert_close(a, mid + with_shortcut.feed_forward(with_shortcut.norm2(mid)))
        torch.testing.assert_close(b, without.feed_forward(without.norm2(attn)))
        post = TransformerBlock(16, 2, shortcut=True, norm="post")
        post.load_state_dict(with_shortcut.state_dict())
        p = post(x)
        assert torch.allclose(p.mean(-1), torch.zeros(2, 6), atol=1e-5)  # Post-LN ends with a norm
        assert not torch.allclose(a, p)


def test_without_shortcuts_the_tokens_collapse_into_one():
    inputs, targets = copy_task(batch=4, seed=1)
    plain = token_similarity(small(shortcut=False).hidden_states(inputs))
    residual = token_similarity(small(shortcut=True).hidden_states(inputs))
    assert plain[-1] > 0.99 > residual[-1]
    norms = block_gradient_norms(small(shortcut=False), inputs, targets)
    assert len(norms) == 3 and min(norms) > 1e-3  # layer norm keeps the gradient scale
    assert all(p.grad is None for p in small().parameters())


def test_token_similarity_of_known_vectors():
    same = torch.ones(1, 4, 3)
    assert token_similarity([same]) == pytest.approx([1.0])
    orthogonal = torch.eye(3).unsqueeze(0)
    assert token_similarity([orthogonal]) == pytest.approx([0.0])


def test_a_short_training_run_learns_and_repeats():
    losses = [train_copy(small(), steps=30, lr=3e-3) for _ in range(2)]
    assert losses[0] == losses[1]
    assert sum(losses[0][-5:]) / 5 < losses[0][0]


@pytest.mark.parametrize(
    "kwargs, message",
    [(dict(norm="middle"), "norm must be one of 'pre', 'post', got 'middle'"),
     (dict(shortcut="yes"), "shortcut must be True or False, got 'yes'"),
     (dict(emb_dim=10, heads=4), "emb_dim must be divisible by heads")],
)
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BlockStack(**{"emb_dim": 16, "heads": 2, "blocks": 1, **kwargs})


def test_too_long_inputs_are_refused():
    with pytest.raises(ValueError, match="tokens may hold at most context=16 positions, got 17"):
        small()(torch.zeros(1, 17, dtype=torch.long))
