"""Vector maths used across the project, written once: unit length, cosine nearest neighbours, PCA.

Example:
>>> import numpy as np
>>> points = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.1], [-1.0, 0.0]])
>>> unit_rows(points)[:2].tolist()
[[0.6, 0.8], [0.0, 0.0]]
>>> rows, cosines = cosine_neighbours(points, points[2], k=2, exclude=[2])
>>> rows.tolist(), cosines.round(3).tolist()
([0, 1], [0.677, 0.0])
>>> pca_coordinates(points, dims=1).shape
(4, 1)
"""

import numpy as np

# Query rows compared at once: a (block x N) similarity matrix stays small however many points there are.
_BLOCK = 1024
# ... and at most this many similarities (64 MB of float32): 16 query rows at a time for 1,000,000 points.
_BLOCK_CELLS = 1 << 24


def unit_rows(vectors):
    """`vectors` (N x D, or one vector) scaled to unit L2 length; zero rows stay zero, float32 stays float32."""
    vectors = np.asarray(vectors)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1)


def cosine_neighbours(vectors, queries, k, *, exclude=None):
    """The `k` rows of `vectors` with the highest cosine similarity to each query, closest first.

    Args:
      vectors: (N, D) points.
      queries: (Q, D) query vectors, or one (D,) vector (then both results are (k,)).
      k: neighbours per query; fewer when fewer rows are left.
      exclude: rows never returned, per query: e.g. `[[i] for i in range(N)]` (each point's own
        row when the queries are the points), or for one query a list of rows.

    Returns:
      (rows, cosines): (Q, k) row indices and their cosine similarities; equal cosines
      keep row order.

    Example:
    >>> import numpy as np
    >>> cosine_neighbours(np.eye(3), np.eye(3), 1, exclude=[[0], [1], [2]])[0].tolist()
    [[1], [0], [0]]
    """
    single = np.ndim(queries) == 1
    unit = unit_rows(vectors)
    queries = unit_rows(np.atleast_2d(queries))
    if exclude is not None and single:
        exclude = [exclude]
    skipped = 0 if exclude is None else max((len(rows) for rows in exclude), default=0)
    k = max(0, min(k, len(unit) - skipped))
    found_rows, found_cosines = [], []
    block = max(1, min(_BLOCK, _BLOCK_CELLS // max(1, len(unit))))
    for start in range(0, len(queries), block):
        similarity = queries[start : start + block] @ unit.T
        if exclude is not None:
            for i, rows in enumerate(exclude[start : start + block]):
                similarity[i, list(rows)] = -np.inf
        # argpartition finds the k best in O(N); only those are sorted, ties by row.
        best = np.argpartition(-similarity, k - 1, axis=1)[:, :k] if 0 < k < len(unit) else (
            np.broadcast_to(np.arange(len(unit))[:k], (len(similarity), k)))
        cosines = np.take_along_axis(similarity, best, axis=1)
        order = np.lexsort((best, -cosines), axis=-1)
        found_rows.append(np.take_along_axis(best, order, axis=1))
        found_cosines.append(np.take_along_axis(cosines, order, axis=1))
    rows, cosines = np.concatenate(found_rows), np.concatenate(found_cosines)
    return (rows[0], cosines[0]) if single else (rows, cosines)


def pca_coordinates(matrix, dims=2):
    """Every row projected on the top `dims` principal components.

    The components are fitted on at most 20,000 evenly spaced rows (as the projector
    fits its PCA on a sample); rows are centred block by block, not all at once.
    """
    mean = matrix.mean(axis=0, dtype=np.float64)
    sample = np.asarray(matrix[:: max(1, len(matrix) // 20_000)], np.float64) - mean
    if sample.shape[1] <= sample.shape[0]:  # the D x D covariance is the cheaper route (~10x for 768)
        _, vectors = np.linalg.eigh(sample.T @ sample)
        top = vectors[:, ::-1][:, :dims]
    else:
        top = np.linalg.svd(sample, full_matrices=False)[2][:dims].T
    # float64 (float32 overflows near its maximum), one block of rows at a time.
    rows = max(1, (1 << 22) // matrix.shape[1])
    return np.concatenate(
        [(np.asarray(matrix[i : i + rows], np.float64) - mean) @ top for i in range(0, len(matrix), rows)]
    )
