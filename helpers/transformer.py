"""A small stack of transformer blocks, to see what shortcuts and layer norm do inside one.

Written in the book's style: causal multi-head attention and a GELU feed-forward network, each
wrapped in a shortcut, with layer norm before each sub-layer (Pre-LN, as GPT-2 and the book) or
after each shortcut (Post-LN, as the original transformer). Dropout is left out.
"""

import math

import torch
from torch import nn


def check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")


class TransformerBlock(nn.Module):
    """Attention and feed-forward sub-layers, each with an optional shortcut around it."""

    def __init__(self, emb_dim=64, heads=4, shortcut=True, norm="pre"):
        super().__init__()
        check_choice("norm", norm, ("pre", "post"))
        if not isinstance(shortcut, bool):
            raise ValueError(f"shortcut must be True or False, got {shortcut!r}")
        if emb_dim % heads:
            raise ValueError(f"emb_dim must be divisible by heads, got emb_dim={emb_dim}, heads={heads}")
        self.shortcut, self.norm = shortcut, norm
        self.norm1 = nn.LayerNorm(emb_dim)
        self.attention = nn.MultiheadAttention(emb_dim, heads, batch_first=True)
        self.norm2 = nn.LayerNorm(emb_dim)
        self.feed_forward = nn.Sequential(nn.Linear(emb_dim, 4 * emb_dim), nn.GELU(), nn.Linear(4 * emb_dim, emb_dim))

    def attend(self, x):
        tokens = x.shape[1]
        # True above the diagonal: a token may not look at the tokens after it
        causal = torch.triu(torch.ones(tokens, tokens, dtype=torch.bool, device=x.device), diagonal=1)
        return self.attention(x, x, x, attn_mask=causal, need_weights=False)[0]

    def forward(self, x):  # Shape [batch, tokens, emb_dim]
        if self.norm == "pre":
            h = self.attend(self.norm1(x))
            x = x + h if self.shortcut else h  # Shortcut around attention
            h = self.feed_forward(self.norm2(x))
            x = x + h if self.shortcut else h  # Shortcut around the feed-forward network
        else:
            h = self.attend(x)
            x = self.norm1(x + h if self.shortcut else h)
            h = self.feed_forward(x)
            x = self.norm2(x + h if self.shortcut else h)
        return x


class BlockStack(nn.Module):
    """Token and position embeddings, `blocks` transformer blocks, a final norm and a head."""

    def __init__(self, vocab=20, context=16, emb_dim=64, heads=4, blocks=12, shortcut=True, norm="pre", seed=0):
        super().__init__()
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.token_embedding = nn.Embedding(vocab, emb_dim)
            self.position_embedding = nn.Embedding(context, emb_dim)
            self.blocks = nn.ModuleList(TransformerBlock(emb_dim, heads, shortcut, norm) for _ in range(blocks))
            self.final_norm = nn.LayerNorm(emb_dim) if norm == "pre" else nn.Identity()
            self.head = nn.Linear(emb_dim, vocab)
        self.context = context

    def hidden_states(self, tokens):
        """The input of the first block and the output of every block."""
        if tokens.shape[-1] > self.context:
            raise ValueError(f"tokens may hold at most context={self.context} positions, got {tokens.shape[-1]}")
        positions = torch.arange(tokens.shape[-1], device=tokens.device)
        states = [self.token_embedding(tokens) + self.position_embedding(positions)]
        for block in self.blocks:
            states.append(block(states[-1]))
        return states

    def forward(self, tokens):  # Shape [batch, tokens] -> [batch, tokens, vocab]
        return self.head(self.final_norm(self.hidden_states(tokens)[-1]))


def copy_task(batch=32, length=8, vocab=20, seed=0):
    """Sequences `x1..xL SEP x1..x(L-1)` and the targets to predict (-100: not scored): after
    the separator, each position must repeat the token L places back. Tokens 2..vocab-1 are
    content (token 0 is the separator), so guessing costs ln(vocab - 2)."""
    generator = torch.Generator().manual_seed(seed)
    content = torch.randint(2, vocab, (batch, length), generator=generator)
    inputs = torch.cat([content, torch.zeros(batch, 1, dtype=torch.long), content[:, :-1]], dim=1)
    targets = torch.full_like(inputs, -100)
    targets[:, length:] = content  # from the separator on: the next token to copy
    return inputs, targets


def loss_of(stack, inputs, targets):
    logits = stack(inputs)
    return nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=-100)


def block_gradient_norms(stack, inputs, targets):
    """Per block: the norm of the gradient of its feed-forward output weight, one backward
    pass at the current weights (asked of autograd: the stack's `.grad`s are not touched)."""
    weights = [block.feed_forward[2].weight for block in stack.blocks]
    with torch.enable_grad():
        grads = torch.autograd.grad(loss_of(stack, inputs, targets), weights)
    return [g.norm().item() for g in grads]


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
    """Adam on fresh copy-task batches; the learning rate rises linearly over `warmup` steps.
    Returns the loss of every step. One thread, put back afterwards (the tensors are small)."""
    optimizer = torch.optim.Adam(stack.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / warmup) if warmup else 1.0)
    losses = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for step in range(steps):
            inputs, targets = copy_task(batch, seed=seed * 100_003 + step)
            optimizer.zero_grad()
            loss = loss_of(stack, inputs, targets)
            loss.backward()
            optimizer.step()
            schedule.step()
            losses.append(loss.item())
    finally:
        torch.set_num_threads(threads)
    return losses


CHANCE = math.log(18)
