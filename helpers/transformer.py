"""The book's transformer block (section 4.5), with two switches, and a small stack of them.

`TransformerBlock(cfg)` is the block of chapter 4 of the book: the same submodules under the
same names (`att`, `ff`, `norm1`, `norm2`, `drop_shortcut`), the book's causal multi-head
attention, layer norm and tanh GELU, so a state_dict saved from the book's block loads into
it strictly and gives the same outputs. Two switches, off the book's path:

- `use_shortcut=False`: each sub-layer's output replaces its input instead of being added to it;
- `norm="post"`: layer norm after each shortcut (the original transformer's order) instead of
  before each sub-layer (GPT-2's and the book's order, `norm="pre"`).

`BlockStack(cfg)` is the book's GPTModel made of such blocks, plus what notebook 05 measures:
per-block gradient norms, the spread each layer norm receives, how alike the tokens' vectors become, and a copy task to train on.
"""

import math
from collections.abc import Mapping

import torch
from torch import nn

BLOCK_KEYS = ("emb_dim", "n_heads", "context_length", "drop_rate", "qkv_bias")
STACK_KEYS = ("vocab_size", "n_layers") + BLOCK_KEYS


def check_choice(name, value, choices):
    """Raise ValueError naming NAME and VALUE unless VALUE is one of CHOICES."""
    if isinstance(value, bool) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")


PARAMETER_LIMIT = 2 * 10**9  # of one model: 8 GB of float32


def parameter_estimate(cfg):
    """About how many parameters CFG makes: 12 emb_dim**2 per block (attention 4, feed-forward 8),
    times n_layers (1 where CFG has none), and the embeddings and output head where it has a vocabulary."""
    emb = cfg["emb_dim"]
    blocks = cfg.get("n_layers", 1) if isinstance(cfg.get("n_layers", 1), int) else 1
    vocabulary = cfg.get("vocab_size", 0) if isinstance(cfg.get("vocab_size", 0), int) else 0
    context = cfg.get("context_length", 0) if isinstance(cfg.get("context_length", 0), int) else 0
    return 12 * emb * emb * blocks + (2 * vocabulary + context) * emb


def check_config(cfg, keys=BLOCK_KEYS):
    """Raise ValueError naming the key and its value unless CFG is a usable book-style config."""
    if not isinstance(cfg, Mapping):
        raise ValueError(f"cfg must be a dict with the keys {', '.join(keys)}, got {cfg!r}")
    missing = [key for key in keys if key not in cfg]
    if missing:
        raise ValueError(f"cfg is missing {', '.join(map(repr, missing))} (it needs {', '.join(keys)})")
    for key in ("vocab_size", "n_layers", "emb_dim", "n_heads", "context_length"):
        if key in keys and (isinstance(cfg[key], bool) or not isinstance(cfg[key], int) or cfg[key] < 1):
            raise ValueError(f"cfg['{key}'] must be a positive integer, got {cfg[key]!r}")
    size = parameter_estimate(cfg)
    if size > PARAMETER_LIMIT:
        raise ValueError(f"cfg makes about {size:,} parameters (emb_dim={cfg['emb_dim']}, n_layers={cfg.get('n_layers')}); "
                         f"the helpers build models of at most {PARAMETER_LIMIT:,} (GPT-2 XL has 1.6 billion)")
    if cfg["emb_dim"] % cfg["n_heads"]:
        raise ValueError(
            f"cfg['emb_dim'] must be divisible by cfg['n_heads'], got emb_dim={cfg['emb_dim']}, n_heads={cfg['n_heads']}"
        )
    rate = cfg["drop_rate"]
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
        raise ValueError(f"cfg['drop_rate'] must be a number from 0 up to (not including) 1, got {rate!r}")
    if not isinstance(cfg["qkv_bias"], bool):
        raise ValueError(f"cfg['qkv_bias'] must be True or False, got {cfg['qkv_bias']!r}")


class MultiHeadAttention(nn.Module):
    """The book's causal multi-head attention (chapter 3): one query, key and value projection
    for all heads, split into heads, masked so a token sees only itself and earlier tokens."""

    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        if d_out % num_heads:
            raise ValueError(f"d_out must be divisible by num_heads, got d_out={d_out}, num_heads={num_heads}")
        self.d_out = d_out
        self.num_heads = num_heads
        self.head_dim = d_out // num_heads
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = nn.Dropout(dropout)
        # 1 above the diagonal: the positions a token may not look at (the ones after it)
        self.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), diagonal=1))

    def forward(self, x):  # Shape [batch, tokens, d_in] -> [batch, tokens, d_out]
        b, num_tokens, _ = x.shape
        if num_tokens > self.mask.shape[0]:
            raise ValueError(f"x may hold at most context_length={self.mask.shape[0]} tokens, got {num_tokens}")

        def heads(t):  # [b, tokens, d_out] -> [b, heads, tokens, head_dim]
            return t.view(b, num_tokens, self.num_heads, self.head_dim).transpose(1, 2)

        keys, queries, values = heads(self.W_key(x)), heads(self.W_query(x)), heads(self.W_value(x))
        scores = queries @ keys.transpose(2, 3)
        scores.masked_fill_(self.mask.bool()[:num_tokens, :num_tokens], -torch.inf)
        weights = self.dropout(torch.softmax(scores / keys.shape[-1] ** 0.5, dim=-1))
        context = (weights @ values).transpose(1, 2).contiguous().view(b, num_tokens, self.d_out)
        return self.out_proj(context)


class LayerNorm(nn.Module):
    """The book's layer norm: zero mean and unit (biased) variance over the last dimension, then
    a learned `scale` and `shift`."""

    def __init__(self, emb_dim):
        super().__init__()
        self.eps = 1e-5
        self.scale = nn.Parameter(torch.ones(emb_dim))
        self.shift = nn.Parameter(torch.zeros(emb_dim))

    def extra_repr(self):
        return f"{self.scale.shape[0]}, eps={self.eps}"

    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        var = x.var(dim=-1, keepdim=True, unbiased=False)
        return self.scale * (x - mean) / torch.sqrt(var + self.eps) + self.shift


class GELU(nn.Module):
    """The book's GELU: the tanh approximation used by GPT-2."""

    def extra_repr(self):
        return "tanh approximation"

    def forward(self, x):
        return 0.5 * x * (1 + torch.tanh(torch.sqrt(torch.tensor(2.0 / torch.pi)) * (x + 0.044715 * torch.pow(x, 3))))


class FeedForward(nn.Module):
    """The book's feed-forward network: widen 4 times, GELU, back to the embedding size."""

    def __init__(self, cfg):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(cfg["emb_dim"], 4 * cfg["emb_dim"]),
            GELU(),
            nn.Linear(4 * cfg["emb_dim"], cfg["emb_dim"]),
        )

    def forward(self, x):
        return self.layers(x)


class TransformerBlock(nn.Module):
    """The book's transformer block. With the defaults (`use_shortcut=True, norm="pre"`) it
    computes exactly what the book's does:
        x = x + drop_shortcut(att(norm1(x)));  x = x + drop_shortcut(ff(norm2(x)))
    `use_shortcut=False` drops the `x +`; `norm="post"` normalises after the addition:
        x = norm1(x + drop_shortcut(att(x)));  x = norm2(x + drop_shortcut(ff(x)))
    """

    def __init__(self, cfg, use_shortcut=True, norm="pre"):
        super().__init__()
        check_config(cfg)
        if not isinstance(use_shortcut, bool):
            raise ValueError(f"use_shortcut must be True or False, got {use_shortcut!r}")
        check_choice("norm", norm, ("pre", "post"))
        self.use_shortcut, self.norm = use_shortcut, norm
        self.att = MultiHeadAttention(
            d_in=cfg["emb_dim"],
            d_out=cfg["emb_dim"],
            context_length=cfg["context_length"],
            num_heads=cfg["n_heads"],
            dropout=cfg["drop_rate"],
            qkv_bias=cfg["qkv_bias"],
        )
        self.ff = FeedForward(cfg)
        self.norm1 = LayerNorm(cfg["emb_dim"])
        self.norm2 = LayerNorm(cfg["emb_dim"])
        self.drop_shortcut = nn.Dropout(cfg["drop_rate"])

    def extra_repr(self):
        return f"use_shortcut={self.use_shortcut}, norm={self.norm!r}"

    def sublayer(self, x, layer, norm):
        """One sub-layer (attention or feed-forward) with its norm and, if on, its shortcut."""
        if self.norm == "pre":
            h = self.drop_shortcut(layer(norm(x)))
            return x + h if self.use_shortcut else h
        h = self.drop_shortcut(layer(x))
        return norm(x + h if self.use_shortcut else h)

    def forward(self, x):  # Shape [batch, tokens, emb_dim]
        x = self.sublayer(x, self.att, self.norm1)
        return self.sublayer(x, self.ff, self.norm2)


class BlockStack(nn.Module):
    """The book's GPTModel built from `TransformerBlock(cfg, use_shortcut, norm)`: token and
    position embeddings, `cfg["n_layers"]` blocks, a final layer norm (Pre-LN only: a Post-LN
    block already ends with one) and an output head. The weights depend on `seed` alone."""

    def __init__(self, cfg, use_shortcut=True, norm="pre", seed=0):
        super().__init__()
        check_config(cfg, STACK_KEYS)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.tok_emb = nn.Embedding(cfg["vocab_size"], cfg["emb_dim"])
            self.pos_emb = nn.Embedding(cfg["context_length"], cfg["emb_dim"])
            self.drop_emb = nn.Dropout(cfg["drop_rate"])
            self.trf_blocks = nn.Sequential(
                *[TransformerBlock(cfg, use_shortcut, norm) for _ in range(cfg["n_layers"])]
            )
            self.final_norm = LayerNorm(cfg["emb_dim"]) if norm == "pre" else nn.Identity()
            self.out_head = nn.Linear(cfg["emb_dim"], cfg["vocab_size"], bias=False)
        self.context = cfg["context_length"]
        self.vocab_size = cfg["vocab_size"]

    def hidden_states(self, tokens):
        """The input of the first block and the output of every block."""
        if tokens.shape[-1] > self.context:
            raise ValueError(f"tokens may hold at most context_length={self.context} positions, got {tokens.shape[-1]}")
        positions = torch.arange(tokens.shape[-1], device=tokens.device)
        states = [self.drop_emb(self.tok_emb(tokens) + self.pos_emb(positions))]
        for block in self.trf_blocks:
            states.append(block(states[-1]))
        return states

    def forward(self, tokens):  # Shape [batch, tokens] -> [batch, tokens, vocab_size]
        return self.out_head(self.final_norm(self.hidden_states(tokens)[-1]))


def copy_task(batch=32, length=8, vocab=20, seed=0):
    """Sequences `x1..xL SEP x1..x(L-1)` and the targets to predict (-100: not scored): after
    the separator, each position must repeat the token L places back. Tokens 2..vocab-1 are
    content (token 0 is the separator, token 1 is never used), so guessing costs ln(vocab - 2)."""
    if vocab < 3:
        raise ValueError(f"vocab must be at least 3 (a separator and two content tokens), got {vocab!r}")
    generator = torch.Generator().manual_seed(seed)
    content = torch.randint(2, vocab, (batch, length), generator=generator)
    inputs = torch.cat([content, torch.zeros(batch, 1, dtype=torch.long), content[:, :-1]], dim=1)
    targets = torch.full_like(inputs, -100)
    targets[:, length:] = content  # from the separator on: the next token to copy
    return inputs, targets


def guess_logits(tokens, vocab=20):
    """The logits of a model that knows only which tokens can be targets: equal for the content
    tokens 2..vocab-1, -inf for the separator (0) and the unused token 1. Its copy-task loss is
    the cost of guessing, ln(vocab - 2). Shape [batch, tokens] -> [batch, tokens, vocab]."""
    if vocab < 3:
        raise ValueError(f"vocab must be at least 3 (a separator and two content tokens), got {vocab!r}")
    logits = torch.zeros(*tokens.shape, vocab)
    logits[..., :2] = -math.inf
    return logits


def copy_probabilities(model, inputs, targets, length=8):
    """Where MODEL (tokens -> logits) puts its probability at the scored positions of a copy
    task, averaged over them: on the right token ("right"), and on any of the tokens that occur
    among the sequence's first LENGTH ("in_sequence"), whatever their place."""
    if not 1 <= length <= inputs.shape[-1]:
        raise ValueError(f"length must be between 1 and the sequence length {inputs.shape[-1]}, got {length!r}")
    with torch.no_grad():
        probs = torch.softmax(model(inputs), dim=-1)  # Shape [batch, tokens, vocab]
    scored = targets != -100
    occurs = torch.zeros(probs.shape[0], probs.shape[-1], dtype=probs.dtype)
    occurs.scatter_(1, inputs[:, :length], 1.0)  # Shape [batch, vocab]: 1 for the sequence's tokens
    right = probs.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    in_sequence = (probs * occurs.unsqueeze(1)).sum(-1)
    return {"right": right[scored].mean().item(), "in_sequence": in_sequence[scored].mean().item()}


def loss_of(stack, inputs, targets):
    """Mean cross-entropy of STACK's predictions (any callable tokens -> logits) over the scored
    targets."""
    logits = stack(inputs)
    return nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=-100)


def block_gradient_norms(stack, inputs, targets):
    """Per block: the norm of the gradient of its feed-forward output weight (`ff.layers[2]`),
    one backward pass at the current weights (asked of autograd: the `.grad`s are not touched)."""
    weights = [block.ff.layers[2].weight for block in stack.trf_blocks]
    with torch.enable_grad():
        grads = torch.autograd.grad(loss_of(stack, inputs, targets), weights)
    return [g.norm().item() for g in grads]


def norm_input_spreads(stack, inputs):
    """The spread of what every layer norm of STACK receives, in the order the norms run: the
    standard deviation over each token's vector, averaged over tokens, at the current weights.
    A layer norm divides by this spread, so the gradient going back through it is divided too."""
    spreads = []
    hooks = [m.register_forward_hook(lambda _m, args, _out: spreads.append(
        args[0].detach().std(dim=-1, unbiased=False).mean().item())) for m in stack.modules() if isinstance(m, LayerNorm)]
    try:
        with torch.no_grad():
            stack(inputs)
    finally:
        for hook in hooks:
            hook.remove()
    return spreads


def token_similarity(states):
    """Per state: the mean cosine similarity between the representations of different tokens
    of the same sequence (1.0: every token the same vector)."""
    result = []
    for h in states:  # Shape [batch, tokens, emb]
        unit = nn.functional.normalize(h.detach(), dim=-1)
        cos = unit @ unit.transpose(1, 2)  # Shape [batch, tokens, tokens]
        n = cos.shape[-1]
        off_diagonal = cos.sum(dim=(1, 2)) - cos.diagonal(dim1=1, dim2=2).sum(dim=1)
        result.append((off_diagonal / (n * (n - 1))).mean().item())
    return result


def train_copy(stack, steps=300, lr=3e-4, warmup=0, batch=32, seed=0):
    """Adam on fresh copy-task batches (the stack's vocabulary); the learning rate rises
    linearly over `warmup` steps. Returns the loss of every step. One thread, put back
    afterwards (the tensors are small)."""
    optimizer = torch.optim.Adam(stack.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / warmup) if warmup else 1.0)
    losses = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for step in range(steps):
            inputs, targets = copy_task(batch, vocab=stack.vocab_size, seed=seed * 100_003 + step)
            optimizer.zero_grad()
            loss = loss_of(stack, inputs, targets)
            loss.backward()
            optimizer.step()
            schedule.step()
            losses.append(loss.item())
    finally:
        torch.set_num_threads(threads)
    return losses


CHANCE = math.log(20 - 2)  # guessing on copy_task's default vocabulary: 18 content tokens
