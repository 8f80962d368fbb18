"""The disclosure pipeline: items written in the deciding transaction (``outbox``), batches
claimed and leased (``claims``), run and delivered (``pipeline``), read by staff and the API
(``batches``), watched (``monitor``), and the scheduler's leader lease (``lease``).
"""
