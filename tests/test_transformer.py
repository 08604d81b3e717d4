import math

import pytest
import torch
from torch import nn

from helpers.transformer import (
    CHANCE,
    BlockStack,
    TransformerBlock,
    block_gradient_norms,
    copy_probabilities,
    copy_task,
    guess_logits,
    loss_of,
    norm_input_spreads,
    token_similarity,
    train_copy,
)

CFG = {"emb_dim": 16, "n_heads": 2, "context_length": 16, "drop_rate": 0.1, "qkv_bias": False}
SETTINGS = [(True, "pre"), (True, "post"), (False, "pre"), (False, "post")]


# A reference written here, independently of helpers.transformer, after the book's chapter 3-4
# code: the same submodule names, so a state_dict moves between the two. The book's block is
# (use_shortcut=True, norm="pre"); the other three settings are built the same way.
class RefAttention(nn.Module):
    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        self.d_out, self.num_heads, self.head_dim = d_out, num_heads, d_out // num_heads
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), diagonal=1))

    def forward(self, x):
        b, t, _ = x.shape
        q = self.W_query(x).view(b, t, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.W_key(x).view(b, t, self.num_heads, self.head_dim).transpose(1, 2)
        v = self.W_value(x).view(b, t, self.num_heads, self.head_dim).transpose(1, 2)
        scores = (q @ k.transpose(2, 3)).masked_fill(self.mask.bool()[:t, :t], -torch.inf)
        w = self.dropout(torch.softmax(scores / self.head_dim**0.5, dim=-1))
        return self.out_proj((w @ v).transpose(1, 2).reshape(b, t, self.d_out))


class RefLayerNorm(nn.Module):
    def __init__(self, emb_dim):
        super().__init__()
        self.eps = 1e-5
        self.scale = nn.Parameter(torch.ones(emb_dim))
        self.shift = nn.Parameter(torch.zeros(emb_dim))

    def forward(self, x):
        centred = x - x.mean(dim=-1, keepdim=True)
        var = (centred**2).mean(dim=-1, keepdim=True)
        return self.scale * centred / torch.sqrt(var + self.eps) + self.shift


class RefGELU(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


class RefFeedForward(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        e = cfg["emb_dim"]
        self.layers = nn.Sequential(nn.Linear(e, 4 * e), RefGELU(), nn.Linear(4 * e, e))

    def forward(self, x):
        return self.layers(x)


class RefBlock(nn.Module):
    def __init__(self, cfg, use_shortcut=True, norm="pre"):
        super().__init__()
        self.use_shortcut, self.norm = use_shortcut, norm
        self.att = RefAttention(cfg["emb_dim"], cfg["emb_dim"], cfg["context_length"], cfg["drop_rate"],
                                cfg["n_heads"], cfg["qkv_bias"])
        self.ff = RefFeedForward(cfg)
        self.norm1 = RefLayerNorm(cfg["emb_dim"])
        self.norm2 = RefLayerNorm(cfg["emb_dim"])
        self.drop_shortcut = nn.Dropout(cfg["drop_rate"])

    def forward(self, x):
        if self.norm == "pre":
            shortcut = x
            x = self.drop_shortcut(self.att(self.norm1(x)))
            if self.use_shortcut:
                x = x + shortcut
            shortcut = x
            x = self.drop_shortcut(self.ff(self.norm2(x)))
            if self.use_shortcut:
                x = x + shortcut
            return x
        x = self.norm1((x if self.use_shortcut else 0) + self.drop_shortcut(self.att(x)))
        return self.norm2((x if self.use_shortcut else 0) + self.drop_shortcut(self.ff(x)))


def randomised(module, seed):
    """MODULE with every parameter drawn at random (so scale, shift and biases matter too)."""
    with torch.no_grad():
        generator = torch.Generator().manual_seed(seed)
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=generator) * 0.5)
    return module


@pytest.mark.parametrize("use_shortcut, norm", SETTINGS)
@pytest.mark.parametrize("qkv_bias", [False, True])
def test_the_block_loads_the_reference_state_dict_strictly_and_matches_it(use_shortcut, norm, qkv_bias):
    cfg = {**CFG, "qkv_bias": qkv_bias}
    reference = randomised(RefBlock(cfg, use_shortcut, norm), seed=1).eval()
    block = TransformerBlock(cfg, use_shortcut=use_shortcut, norm=norm).eval()
    assert sorted(block.state_dict()) == sorted(reference.state_dict())
    block.load_state_dict(reference.state_dict(), strict=True)
    x = torch.randn(3, 10, 16, generator=torch.Generator().manual_seed(2))  # [batch, tokens, emb]
    with torch.no_grad():
        ours, theirs = block(x), reference(x)
    assert ours.shape == x.shape
    assert torch.allclose(ours, theirs, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("use_shortcut, norm", SETTINGS)
def test_the_four_settings_differ_from_each_other(use_shortcut, norm):
    reference = randomised(RefBlock(CFG), seed=1).eval()
    x = torch.randn(2, 6, 16, generator=torch.Generator().manual_seed(3))
    outputs = {}
    for setting in SETTINGS:
        block = TransformerBlock(CFG, *setting).eval()
        block.load_state_dict(reference.state_dict())
        with torch.no_grad():
            outputs[setting] = block(x)
    others = [out for setting, out in outputs.items() if setting != (use_shortcut, norm)]
    assert not any(torch.allclose(outputs[use_shortcut, norm], other) for other in others)


def test_with_the_same_dropout_draws_training_mode_matches_too():
    reference = randomised(RefBlock(CFG), seed=4).train()
    block = TransformerBlock(CFG).train()
    block.load_state_dict(reference.state_dict())
    x = torch.randn(2, 8, 16, generator=torch.Generator().manual_seed(5))
    torch.manual_seed(6)
    ours = block(x)
    torch.manual_seed(6)
    assert torch.allclose(ours, reference(x), atol=1e-6, rtol=1e-5)


def test_the_block_has_the_books_modules():
    block = TransformerBlock(CFG)
    assert [name for name, _ in block.named_children()] == ["att", "ff", "norm1", "norm2", "drop_shortcut"]
    assert [type(m).__name__ for m in block.ff.layers] == ["Linear", "GELU", "Linear"]
    assert block.ff.layers[0].weight.shape == (64, 16) and block.ff.layers[2].weight.shape == (16, 64)
    assert block.att.W_query.bias is None and TransformerBlock({**CFG, "qkv_bias": True}).att.W_key.bias is not None
    assert block.norm1.eps == 1e-5 and block.drop_shortcut.p == 0.1 and block.att.dropout.p == 0.1
    assert torch.equal(block.att.mask, torch.triu(torch.ones(16, 16), diagonal=1))
    assert "att.mask" in block.state_dict()  # a registered buffer, as in the book
    x = torch.linspace(-3, 3, 13)
    torch.testing.assert_close(block.ff.layers[1](x), nn.functional.gelu(x, approximate="tanh"))


@pytest.mark.parametrize("use_shortcut, norm", SETTINGS)
def test_a_later_token_does_not_change_an_earlier_output(use_shortcut, norm):
    block = TransformerBlock(CFG, use_shortcut, norm).eval()
    x = torch.randn(2, 8, 16, generator=torch.Generator().manual_seed(7))
    changed = x.clone()
    changed[:, 5:] += 1.0  # change only the tokens from position 5 on
    with torch.no_grad():
        before, after = block(x), block(changed)
    torch.testing.assert_close(before[:, :5], after[:, :5])
    assert not torch.allclose(before[:, 5:], after[:, 5:])


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((CFG,), dict(norm="middle"), "norm must be one of 'pre', 'post', got 'middle'"),
        ((CFG,), dict(use_shortcut="yes"), "use_shortcut must be True or False, got 'yes'"),
        (({**CFG, "emb_dim": 10, "n_heads": 4},), {}, r"cfg\['emb_dim'\] must be divisible by cfg\['n_heads'\], got emb_dim=10, n_heads=4"),
        (({k: v for k, v in CFG.items() if k != "n_heads"},), {}, "cfg is missing 'n_heads'"),
        (({**CFG, "drop_rate": 1.5},), {}, r"cfg\['drop_rate'\] must be .*, got 1.5"),
        (({**CFG, "qkv_bias": "no"},), {}, r"cfg\['qkv_bias'\] must be True or False, got 'no'"),
        (({**CFG, "context_length": 0},), {}, r"cfg\['context_length'\] must be a positive integer, got 0"),
        (([16, 2],), {}, r"cfg must be a dict with the keys emb_dim, .*, got \[16, 2\]"),
    ],
)
def test_bad_block_arguments_are_refused(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        TransformerBlock(*args, **kwargs)


def test_too_many_tokens_for_the_block_are_refused():
    with pytest.raises(ValueError, match="x may hold at most context_length=16 tokens, got 17"):
        TransformerBlock(CFG)(torch.zeros(1, 17, 16))


# The stack and the measurements of notebook 05

STACK = {"vocab_size": 20, "context_length": 16, "emb_dim": 16, "n_heads": 2, "n_layers": 3, "drop_rate": 0.0,
         "qkv_bias": False}


def small(**kwargs):
    return BlockStack(STACK, **kwargs)


def test_shapes():
    inputs, targets = copy_task(batch=5)
    assert inputs.shape == targets.shape == (5, 16)
    assert small()(inputs).shape == (5, 16, 20)
    assert len(small().hidden_states(inputs)) == 4


def test_the_stack_is_the_books_gpt_model_of_these_blocks():
    stack = small(use_shortcut=False, norm="post")
    assert [name for name, _ in stack.named_children()] == ["tok_emb", "pos_emb", "drop_emb", "trf_blocks",
                                                            "final_norm", "out_head"]
    assert len(stack.trf_blocks) == 3 and all(isinstance(b, TransformerBlock) for b in stack.trf_blocks)
    assert all(not b.use_shortcut and b.norm == "post" for b in stack.trf_blocks)
    assert stack.out_head.bias is None
    assert type(small().final_norm).__name__ == "LayerNorm" and isinstance(stack.final_norm, nn.Identity)


def test_copy_task_targets_repeat_the_sequence():
    inputs, targets = copy_task(batch=2, length=8, seed=3)
    assert (inputs[:, 8] == 0).all() and (targets[:, :8] == -100).all()
    assert torch.equal(targets[:, 8:], inputs[:, :8])
    assert torch.equal(targets[:, 8:15], inputs[:, 9:])  # each target is the next input
    assert inputs[:, :8].min() >= 2 and math.isclose(CHANCE, math.log(18))
    _, many = copy_task(batch=64)
    assert sorted(many[many != -100].unique().tolist()) == list(range(2, 20))  # 18 tokens to choose among
    with pytest.raises(ValueError, match="vocab must be at least 3 .*, got 2"):
        copy_task(vocab=2)


@pytest.mark.parametrize("use_shortcut, norm", SETTINGS)
def test_causal_masking(use_shortcut, norm):
    stack = small(use_shortcut=use_shortcut, norm=norm)
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


def test_without_shortcuts_the_tokens_collapse_into_one():
    inputs, targets = copy_task(batch=4, seed=1)
    plain = token_similarity(small(use_shortcut=False).hidden_states(inputs))
    residual = token_similarity(small(use_shortcut=True).hidden_states(inputs))
    assert plain[-1] > 0.9 > residual[-1]
    norms = block_gradient_norms(small(use_shortcut=False), inputs, targets)
    assert len(norms) == 3 and min(norms) > 1e-3  # layer norm keeps the gradient scale
    assert all(p.grad is None for p in small().parameters())


def test_block_gradient_norms_are_those_of_each_feed_forward_output_weight():
    stack = small()
    inputs, targets = copy_task(batch=4, seed=2)
    norms = block_gradient_norms(stack, inputs, targets)
    logits = stack(inputs)
    nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=-100).backward()
    expected = [block.ff.layers[2].weight.grad.norm().item() for block in stack.trf_blocks]
    assert norms == pytest.approx(expected)


def test_guessing_costs_ln_18_and_spreads_its_probability_evenly():
    inputs, targets = copy_task(batch=64, seed=4)
    assert loss_of(guess_logits, inputs, targets).item() == pytest.approx(CHANCE, abs=1e-5)  # float32
    scores = copy_probabilities(guess_logits, inputs, targets)
    distinct = torch.tensor([len(set(row[:8].tolist())) for row in inputs], dtype=torch.float)
    assert scores["right"] == pytest.approx(1 / 18)
    assert scores["in_sequence"] == pytest.approx((distinct / 18).mean().item())
    with pytest.raises(ValueError, match="vocab must be at least 3 .*, got 1"):
        guess_logits(inputs, vocab=1)


def test_copy_probabilities_of_a_model_that_copies_and_of_one_that_knows_only_the_tokens():
    inputs, targets = copy_task(batch=8, seed=5)

    def copier(tokens):  # the right answer, almost surely
        logits = torch.full((*tokens.shape, 20), -30.0)
        logits.scatter_(-1, targets.clamp(min=0).unsqueeze(-1), 30.0)
        return logits

    def bag(tokens):  # equal odds on the tokens of the first 8, none elsewhere
        logits = torch.full((tokens.shape[0], 20), -math.inf)
        logits.scatter_(1, tokens[:, :8], 0.0)
        return logits.unsqueeze(1).expand(-1, tokens.shape[1], -1)

    assert copy_probabilities(copier, inputs, targets) == pytest.approx({"right": 1.0, "in_sequence": 1.0})
    distinct = torch.tensor([len(set(row[:8].tolist())) for row in inputs], dtype=torch.float)
    assert copy_probabilities(bag, inputs, targets) == pytest.approx(
        {"right": (1 / distinct).mean().item(), "in_sequence": 1.0})
    with pytest.raises(ValueError, match="length must be between 1 and the sequence length 16, got 0"):
        copy_probabilities(bag, inputs, targets, length=0)


def test_norm_input_spreads_are_the_spreads_each_norm_receives():
    inputs, _ = copy_task(batch=4, seed=6)
    for norm, count in [("pre", 2 * 3 + 1), ("post", 2 * 3)]:
        stack = small(norm=norm)
        spreads = norm_input_spreads(stack, inputs)
        assert len(spreads) == count and all(s > 0 for s in spreads)
        assert norm_input_spreads(stack, inputs) == spreads  # the hooks are removed after each call
    stack = small(use_shortcut=False)
    first = stack.tok_emb(inputs) + stack.pos_emb(torch.arange(16))  # what block 1's norm1 receives
    assert norm_input_spreads(stack, inputs)[0] == pytest.approx(first.std(dim=-1, unbiased=False).mean().item())


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
    "cfg, kwargs, message",
    [({}, dict(norm="middle"), "norm must be one of 'pre', 'post', got 'middle'"),
     ({}, dict(use_shortcut="yes"), "use_shortcut must be True or False, got 'yes'"),
     ({"emb_dim": 10, "n_heads": 4}, {}, r"cfg\['emb_dim'\] must be divisible by cfg\['n_heads'\]"),
     ({"n_layers": 0}, {}, r"cfg\['n_layers'\] must be a positive integer, got 0"),
     ({"vocab_size": None}, {}, r"cfg\['vocab_size'\] must be a positive integer, got None")],
)
def test_bad_settings_are_refused(cfg, kwargs, message):
    with pytest.raises(ValueError, match=message):
        BlockStack({**STACK, **cfg}, **kwargs)


def test_too_long_inputs_are_refused():
    with pytest.raises(ValueError, match="tokens may hold at most context_length=16 positions, got 17"):
        small()(torch.zeros(1, 17, dtype=torch.long))
