"""Write the demo's recorded calls (fixfirst/demo_data/calls/): the scripted calls of
`fixfirst.ingest.calls.scripted_call` rendered by espeak-ng, encoded as stereo Ogg/Opus (agent left),
each with a sidecar naming the Brightwave agent, team, customer and start time.

    .venv/bin/python scripts/make_demo_calls.py     # needs espeak-ng and the calls extra

The files are committed (about 100 KB each), so `fixfirst demo` needs neither espeak-ng nor network.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import av

from fixfirst.ingest.calls.scripted_call import SCRIPTS, build_call

OUT = Path(__file__).resolve().parent.parent / "fixfirst" / "demo_data" / "calls"
CALLS = {
    "support": {"call_id": "BW-CALL-0001", "agent_id": "sam.okafor", "team": "Technical Support",
                "customer_id": "cust-20001", "started_at": "2025-03-18T10:12:00+00:00", "queue": "faults"},
    "billing": {"call_id": "BW-CALL-0002", "agent_id": "priya.nair", "team": "Billing & Accounts",
                "customer_id": "cust-20002", "started_at": "2025-03-19T14:40:00+00:00", "queue": "billing"},
}


def encode_opus(wav: Path, target: Path) -> None:
    """A 16-bit WAV to stereo Ogg/Opus at 48 kHz, 32 kbit/s."""
    with av.open(str(wav)) as source, av.open(str(target), "w", format="ogg") as sink:
        stream = sink.add_stream("libopus", rate=48000)
        stream.bit_rate = 32000
        stream.layout = "stereo"
        resampler = av.AudioResampler(format="flt", layout="stereo", rate=48000)
        for frame in source.decode(audio=0):
            for out in resampler.resample(frame):
                for packet in stream.encode(out):
                    sink.mux(packet)
        for out in resampler.resample(None):
            for packet in stream.encode(out):
                sink.mux(packet)
        for packet in stream.encode(None):
            sink.mux(packet)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for name, meta in CALLS.items():
            wav = build_call(Path(folder) / f"{name}.wav", SCRIPTS[name]).path
            target = OUT / f"{meta['call_id']}.ogg"
            encode_opus(wav, target)
            (OUT / f"{meta['call_id']}.ogg.json").write_text(
                json.dumps({**meta, "company": "Brightwave Broadband"}, indent=1) + "\n", encoding="utf-8"
            )
            print(f"{target.name}: {target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
