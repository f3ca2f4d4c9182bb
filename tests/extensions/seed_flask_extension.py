# The Python extension server of seed 001 (Chatto's docs/extensions.md), word for word. The tests
# serve its `app` unmodified on 127.0.0.1 (the `__main__` block below never runs there).
from flask import Flask, Response, request, jsonify

app = Flask(__name__)

def greet_func(data: dict) -> dict:
    return jsonify({
        "fsm": data.get("fsm"),
        "answers": [
            {
                "text": "Hello Universe",
                "image": "https://i.imgur.com/pPdjh6x.jpg",
            }
        ]
    })

registered_extensions = {
    "any": greet_func,
}

@app.route("/extensions", methods=["GET"])
def get_all_funcs():
    return jsonify(list(registered_extensions.keys()))

@app.route("/extension", methods=["POST"])
def get_func():
    data = request.get_json()
    req = data.get("extension")
    f = registered_extensions.get(req)
    if not f:
        return Response(status=400)
    return f(data)

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8770)
