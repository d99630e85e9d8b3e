"""A slow, obvious per-example backpropagation kept beside the fast vectorized one.

It follows the course's for-loop exactly (ex4, part 2): for t = 1 … m, set a^(1) = x^(t) as a
column vector, forward propagate, compute δ^(L), back-propagate δ^(l) for l = L−1 … 2,
accumulate Δ^(l) := Δ^(l) + δ^(l+1) (a^(l))ᵀ, then D = Δ/m + (λ/m)Θ (bias column excluded).
The output error is derived here independently of bp_core.losses, by the chain rule on
∂J/∂h for each loss.
"""

import numpy as np


def _g(name, z):
    return {
        "sigmoid": lambda: 1.0 / (1.0 + np.exp(-z)),
        "tanh": lambda: np.tanh(z),
        "relu": lambda: np.maximum(z, 0.0),
        "leaky_relu": lambda: np.where(z > 0, z, 0.01 * z),
        "linear": lambda: z.copy(),
        "softmax": lambda: np.exp(z - z.max()) / np.exp(z - z.max()).sum(),
    }[name]()


def _dg(name, z):
    """Jacobian ∂g/∂z as a full matrix (so softmax needs no special case)."""
    if name == "softmax":
        s = _g("softmax", z)
        return np.diag(s) - np.outer(s, s)
    eps = {
        "sigmoid": lambda: _g("sigmoid", z) * (1 - _g("sigmoid", z)),
        "tanh": lambda: 1 - np.tanh(z) ** 2,
        "relu": lambda: (z > 0).astype(float),
        "leaky_relu": lambda: np.where(z > 0, 1.0, 0.01),
        "linear": lambda: np.ones_like(z),
    }[name]()
    return np.diag(eps)


def _dJ_dh(loss, output, h, y):
    if loss == "mse":
        return h - y  # ∂/∂h of ½ Σ (h − y)²
    if output == "softmax":
        return -y / h  # ∂/∂h of −Σ y log h
    return -y / h + (1 - y) / (1 - h)  # ∂/∂h of −Σ [y log h + (1−y) log(1−h)]


def reference_backprop(cfg, Theta, X, Y):
    """Returns (J, D) computed one example at a time with column vectors.

    Same index rule as bp_core (Python index = course superscript − 1): ``a[l - 1]`` is
    a^(l), ``Theta[l - 1]`` is Θ^(l), and every loop runs over the course's l.
    """
    L, m = cfg.L, X.shape[0]
    acts = [None, *cfg.activations, cfg.output]  # acts[l - 1] is layer l's g
    Delta = [np.zeros_like(T) for T in Theta]
    J = 0.0
    for t in range(m):
        a, z = [None] * L, [None] * L
        a[0] = X[t].reshape(-1, 1)  # a^(1), a column
        for l in range(1, L):
            a_bias = np.vstack([[1.0], a[l - 1]])  # a^(l) with a_0 = 1
            z[l] = Theta[l - 1] @ a_bias  # z^(l+1) = Θ^(l) a^(l)
            a[l] = _g(acts[l], z[l].ravel()).reshape(-1, 1)  # a^(l+1) = g(z^(l+1))
        h, y = a[-1].ravel(), Y[t]
        if cfg.loss == "mse":
            J += 0.5 * np.sum((h - y) ** 2)
        elif cfg.output == "softmax":
            J += -np.sum(y * np.log(h))
        else:
            J += -np.sum(y * np.log(h) + (1 - y) * np.log(1 - h))
        # δ^(L) = (∂h/∂z^(L))ᵀ ∂J/∂h
        delta = [None] * L
        delta[L - 1] = _dg(cfg.output, z[L - 1].ravel()).T @ _dJ_dh(cfg.loss, cfg.output, h, y)
        delta[L - 1] = delta[L - 1].reshape(-1, 1)
        for l in range(L - 1, 1, -1):
            back = Theta[l - 1].T @ delta[l]  # (Θ^(l))ᵀ δ^(l+1), bias row included
            # δ^(l) = [(Θ^(l))ᵀ δ^(l+1)]_{1:s_l} .* g'(z^(l))
            delta[l - 1] = back[1:] * np.diag(_dg(acts[l - 1], z[l - 1].ravel())).reshape(-1, 1)
        for l in range(1, L):
            a_bias = np.vstack([[1.0], a[l - 1]])
            Delta[l - 1] = Delta[l - 1] + delta[l] @ a_bias.T  # Δ^(l) += δ^(l+1) (a^(l))ᵀ
    J /= m
    D = []
    for l in range(1, L):
        reg = (cfg.lambda_ / m) * Theta[l - 1]
        reg[:, 0] = 0.0
        D.append(Delta[l - 1] / m + reg)  # D^(l) = Δ^(l)/m + (λ/m) Θ^(l), bias unregularized
        J += cfg.lambda_ / (2 * m) * np.sum(Theta[l - 1][:, 1:] ** 2)
    return J, D
