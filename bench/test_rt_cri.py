"""Unit tests of the reading of containerd's event stream (python3 -m unittest discover -s bench -p 'test_*.py')."""
import unittest

from rt_cri import parse_event, parse_time

SANDBOX = "14a57d13665ed2c7d7b500cc0a6cc70e4ac98efbe270acdd7c46ade1d8eeb90f"
APP = "0ef9ce40e35b4f763209a36d12c252bc4c7154ee2b138644abf01b79172f196e"


class ParseTimeTest(unittest.TestCase):
    def test_nanoseconds_since_the_epoch(self):
        self.assertEqual(parse_time("2026-12-07", "01:03:42.641776238", "+0000"), 1796605422641776238)

    def test_a_trimmed_or_missing_fraction(self):
        self.assertEqual(parse_time("2026-12-07", "01:03:42.5", "+0000"), 1796605422500000000)
        self.assertEqual(parse_time("2026-12-07", "01:03:42", "+0000"), 1796605422000000000)

    def test_the_offset_is_applied(self):
        self.assertEqual(parse_time("2026-12-07", "02:03:42.641776238", "+0100"), 1796605422641776238)


class ParseEventTest(unittest.TestCase):
    def test_a_task_start_and_exit_in_k8s_io(self):
        start = f'2026-12-07 01:03:42.641776238 +0000 UTC k8s.io /tasks/start {{"container_id":"{APP}","pid":11633}}\n'
        exit_ = (f'2026-12-07 01:03:42.891023156 +0000 UTC k8s.io /tasks/exit {{"container_id":"{APP}","id":"{APP}",'
                 f'"pid":11633,"exit_status":137,"exited_at":"2026-12-07T01:03:42.890933245Z"}}\n')
        self.assertEqual(parse_event(start), ("start", APP, 1796605422641776238))
        self.assertEqual(parse_event(exit_), ("die", APP, 1796605422891023156))

    def test_the_exit_of_an_exec_process_is_not_the_containers(self):
        line = (f'2026-12-07 01:03:42.891023156 +0000 UTC k8s.io /tasks/exit {{"container_id":"{APP}",'
                f'"id":"exec-1","pid":12000,"exit_status":0}}')
        self.assertIsNone(parse_event(line))

    def test_a_container_deleted(self):
        line = f'2026-12-07 01:03:43.913196742 +0000 UTC k8s.io /containers/delete {{"id":"{SANDBOX}"}}'
        self.assertEqual(parse_event(line), ("delete", SANDBOX, None))

    def test_other_namespaces_topics_and_noise_are_skipped(self):
        self.assertIsNone(parse_event(
            f'2026-12-07 01:03:42.194006883 +0000 UTC static-pod-agent /tasks/start {{"container_id":"{APP}"}}'))
        self.assertIsNone(parse_event(
            f'2026-12-07 01:03:41.472613231 +0000 UTC k8s.io /containers/create {{"id":"{SANDBOX}"}}'))
        self.assertIsNone(parse_event("2026-12-07 01:03:42 +0000 UTC k8s.io /tasks/start not-json"))
        self.assertIsNone(parse_event("ctr: connection refused"))


if __name__ == "__main__":
    unittest.main()
