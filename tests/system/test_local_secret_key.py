"""make run's secret key, asked for by the services' preparations side by side on a new
checkout: every one gets the same whole key (a thread once read the file half-written, an
empty key, and the service's migrate refused to start)."""

from concurrent.futures import ThreadPoolExecutor

from lotr_devstack.local import LocalStack


def test_threads_asking_at_once_all_get_one_whole_key(tmp_path):
    for round_ in range(20):
        stack = LocalStack.__new__(LocalStack)  # only its state folder is used here
        stack.var = tmp_path / str(round_)
        stack.var.mkdir()
        with ThreadPoolExecutor(4) as pool:
            keys = [future.result() for future in [pool.submit(stack.secret_key) for _ in range(4)]]

        assert len(set(keys)) == 1, keys
        assert len(keys[0]) >= 50, keys
        assert [p.name for p in stack.var.iterdir()] == ["secret-key"]
        assert (stack.var / "secret-key").stat().st_mode & 0o777 == 0o600
