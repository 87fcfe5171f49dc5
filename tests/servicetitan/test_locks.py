"""The file lock that stands in for PostgreSQL's advisory locks on SQLite."""

from servicetitan.locks import _file_lock


def test_a_second_holder_of_the_same_resource_is_refused(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with _file_lock("customers") as first, _file_lock("customers") as second:
        assert (first, second) == (True, False)


def test_different_resources_do_not_block_each_other(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with _file_lock("customers") as first, _file_lock("jobs") as second:
        assert (first, second) == (True, True)


def test_the_lock_is_free_again_after_the_block(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with _file_lock("customers"):
        pass
    with _file_lock("customers") as again:
        assert again
