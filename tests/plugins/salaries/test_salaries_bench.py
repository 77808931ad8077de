"""bench/payroll.py builds its community and times a run (small here; 10,000 in the bench)."""

from __future__ import annotations


def test_the_payroll_bench_runs(tmp_path):
    from bench.payroll import report, run

    result = run(200, f"sqlite:///{tmp_path / 'payroll.db'}", repeats=1)
    assert result["timings"][0]["payslips"] == 200
    assert result["timings"][0]["total_fen"] > 200 * 300000
    assert "200 workers" in report(result)
