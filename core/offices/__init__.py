"""Street and district offices (街道, 区) that look across their communities.

The only core code that reads several communities for someone who is not the operator.
Every such read goes through :mod:`core.offices.access` (who may look, which communities)
and :mod:`core.offices.figures` (the snapshot table), is read-only and is recorded in
``core_office_reads``.
"""
