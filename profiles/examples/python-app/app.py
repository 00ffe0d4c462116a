"""Word counts of a text file, counted by four threads, printed as JSON."""
import json
import sys
import threading
from collections import Counter


def main(path):
    with open(path, encoding="utf-8") as text:
        lines = text.readlines()
    counts = [Counter() for _ in range(4)]

    def count(part):
        for line in lines[part::4]:
            counts[part].update(word.lower().strip(".,;:!?") for word in line.split())

    threads = [threading.Thread(target=count, args=(part,)) for part in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = sum(counts, Counter())
    top = sorted(total.items(), key=lambda item: (-item[1], item[0]))[:5]
    json.dump({"words": sum(total.values()), "top": top}, sys.stdout)
    print()


if __name__ == "__main__":
    main(sys.argv[1])
