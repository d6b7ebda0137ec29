"""Training loops (plain, distillation, with per-step hooks) and the task metrics."""
import time

import torch
import torch.nn.functional as F


def batches(count, batch_size, generator):
    order = torch.randperm(count, generator=generator)
    for start in range(0, count, batch_size):
        yield order[start:start + batch_size]


def train(model, inputs, targets, epochs, seed, lr, batch_size=128, weight_decay=5e-4,
          teacher=None, after_step=None, params=None):
    """SGD (momentum 0.9, Nesterov) with a one-cycle schedule. Loss: cross-entropy (per pixel for
    segmentation); with a teacher, 0.5 * CE + 0.5 * KL(teacher || student) at temperature 1.
    `after_step(step, total)` runs after every optimizer step (pruning masks). Returns the CPU seconds
    of this process (the machine is shared, so wall time would measure the neighbours)."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    params = [p for p in (params or model.parameters()) if p.requires_grad]
    optimizer = torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True, weight_decay=weight_decay)
    steps_per_epoch = (len(inputs) + batch_size - 1) // batch_size
    total = epochs * steps_per_epoch
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=total,
                                                   pct_start=0.2)
    if teacher is not None:
        teacher.eval()
    start, step = time.process_time(), 0
    for epoch in range(epochs):
        model.train()
        running = 0.0
        for index in batches(len(inputs), batch_size, generator):
            x, y = inputs[index], targets[index]
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            if teacher is not None:
                with torch.no_grad():
                    soft = F.log_softmax(teacher(x), dim=1)
                kl = F.kl_div(F.log_softmax(logits, dim=1), soft, log_target=True, reduction="batchmean")
                loss = 0.5 * loss + 0.5 * kl
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            step += 1
            if after_step is not None:
                after_step(step, total)
            running += loss.item()
        print(f"  epoch {epoch + 1}/{epochs}: loss {running / steps_per_epoch:.4f} "
              f"({time.process_time() - start:.0f} s)", flush=True)
    return time.process_time() - start


@torch.no_grad()
def predict(model, inputs, batch_size=500):
    model.eval()
    return torch.cat([model(inputs[i:i + batch_size]) for i in range(0, len(inputs), batch_size)])


def classification_metrics(logits, labels):
    top5 = logits.topk(5, dim=1).indices
    top1 = (top5[:, 0] == labels).double().mean().item()
    in5 = (top5 == labels[:, None]).any(dim=1).double().mean().item()
    return {"top1": round(100 * top1, 2), "top5": round(100 * in5, 2)}


def miou(logits, masks, num_classes):
    """One confusion matrix over all test pixels; IoU_c = TP/(TP+FP+FN) for each class with
    TP+FP+FN > 0; their mean."""
    predicted = logits.argmax(dim=1).reshape(-1)
    truth = masks.reshape(-1)
    confusion = torch.bincount(truth * num_classes + predicted,
                               minlength=num_classes * num_classes).reshape(num_classes, num_classes)
    confusion = confusion.double()
    tp = confusion.diag()
    union = confusion.sum(0) + confusion.sum(1) - tp
    present = union > 0
    return {"miou": round(100 * (tp[present] / union[present]).mean().item(), 2)}
