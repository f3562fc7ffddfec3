// Command fake-provisioner is a tiny dynamic volume provisioner for kwok clusters.
//
// kwok fakes nodes and pods but not storage, so a PersistentVolumeClaim would stay
// Pending and any pod using it would never be scheduled. This watches claims whose
// StorageClass names our provisioner and, once they are ready to provision (binding
// mode Immediate, or WaitForFirstConsumer after the scheduler picked a node), creates
// a PersistentVolume of exactly the requested size, pre-bound to the claim. Nothing is
// mounted anywhere: the volume source is a `local` path that no kubelet ever reads.
// Released volumes it created are deleted (reclaimPolicy Delete).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"
)

const (
	annSelectedNode  = "volume.kubernetes.io/selected-node"
	annProvisionedBy = "pv.kubernetes.io/provisioned-by"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "path to kubeconfig")
	name := flag.String("provisioner-name", "kwok.x-k8s.io/fake", "provisioner name to serve")
	klog.InitFlags(nil)
	flag.Parse()

	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		klog.Fatalf("kubeconfig: %v", err)
	}
	cfg.UserAgent = "fake-provisioner"
	client := kubernetes.NewForConfigOrDie(cfg)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	factory := informers.NewSharedInformerFactory(client, 10*time.Minute)
	pvcs := factory.Core().V1().PersistentVolumeClaims()
	pvs := factory.Core().V1().PersistentVolumes()
	classes := factory.Storage().V1().StorageClasses()

	queue := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]())
	enqueue := func(prefix string) func(obj interface{}) {
		return func(obj interface{}) {
			if key, err := cache.MetaNamespaceKeyFunc(obj); err == nil {
				queue.Add(prefix + key)
			}
		}
	}
	mustAdd := func(_ cache.ResourceEventHandlerRegistration, err error) {
		if err != nil {
			klog.Fatal(err)
		}
	}
	mustAdd(pvcs.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue("pvc/"),
		UpdateFunc: func(_, obj interface{}) { enqueue("pvc/")(obj) },
	}))
	mustAdd(pvs.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue("pv/"),
		UpdateFunc: func(_, obj interface{}) { enqueue("pv/")(obj) },
	}))
	mustAdd(classes.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{}))

	factory.Start(ctx.Done())
	for typ, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			klog.Fatalf("cache for %v did not sync", typ)
		}
	}
	klog.Infof("serving provisioner %q", *name)

	sync := func(key string) error {
		switch {
		case len(key) > 4 && key[:4] == "pvc/":
			ns, n, _ := cache.SplitMetaNamespaceKey(key[4:])
			pvc, err := pvcs.Lister().PersistentVolumeClaims(ns).Get(n)
			if apierrors.IsNotFound(err) {
				return nil
			} else if err != nil {
				return err
			}
			return provision(ctx, client, classes.Lister().Get, pvc, *name)
		case len(key) > 3 && key[:3] == "pv/":
			pv, err := pvs.Lister().Get(key[3:])
			if apierrors.IsNotFound(err) {
				return nil
			} else if err != nil {
				return err
			}
			return reclaim(ctx, client, pv, *name)
		}
		return nil
	}

	go func() {
		<-ctx.Done()
		queue.ShutDown()
	}()
	for {
		key, shutdown := queue.Get()
		if shutdown {
			return
		}
		if err := sync(key); err != nil {
			klog.Errorf("%s: %v", key, err)
			queue.AddRateLimited(key)
		} else {
			queue.Forget(key)
		}
		queue.Done(key)
	}
}

func provision(ctx context.Context, client kubernetes.Interface,
	getClass func(string) (*storagev1.StorageClass, error), pvc *corev1.PersistentVolumeClaim, name string) error {
	if pvc.Spec.VolumeName != "" || pvc.DeletionTimestamp != nil || pvc.Status.Phase != corev1.ClaimPending {
		return nil
	}
	className := ""
	if pvc.Spec.StorageClassName != nil {
		className = *pvc.Spec.StorageClassName
	}
	if className == "" {
		return nil // the default class is filled in by admission; empty means "no class"
	}
	class, err := getClass(className)
	if apierrors.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	if class.Provisioner != name {
		return nil
	}
	node := pvc.Annotations[annSelectedNode]
	if class.VolumeBindingMode != nil && *class.VolumeBindingMode == storagev1.VolumeBindingWaitForFirstConsumer && node == "" {
		return nil // wait until the scheduler picks a node
	}
	size, ok := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
	if !ok {
		return fmt.Errorf("claim has no storage request")
	}
	reclaim := corev1.PersistentVolumeReclaimDelete
	if class.ReclaimPolicy != nil {
		reclaim = *class.ReclaimPolicy
	}
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{
			Name:        "pvc-" + string(pvc.UID),
			Annotations: map[string]string{annProvisionedBy: name},
		},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
			AccessModes:                   pvc.Spec.AccessModes,
			PersistentVolumeReclaimPolicy: reclaim,
			StorageClassName:              className,
			VolumeMode:                    pvc.Spec.VolumeMode,
			MountOptions:                  class.MountOptions,
			ClaimRef: &corev1.ObjectReference{
				Kind:            "PersistentVolumeClaim",
				APIVersion:      "v1",
				Namespace:       pvc.Namespace,
				Name:            pvc.Name,
				UID:             pvc.UID,
				ResourceVersion: pvc.ResourceVersion,
			},
			PersistentVolumeSource: corev1.PersistentVolumeSource{
				Local: &corev1.LocalVolumeSource{Path: "/var/lib/kwok-volumes/" + string(pvc.UID)},
			},
		},
	}
	// `local` volumes must carry node affinity. Pin to the chosen node, or (Immediate
	// binding) to any node, which keeps the volume usable everywhere.
	term := corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{
		Key: "kubernetes.io/hostname", Operator: corev1.NodeSelectorOpExists,
	}}}
	if node != "" {
		term.MatchExpressions[0] = corev1.NodeSelectorRequirement{
			Key: "kubernetes.io/hostname", Operator: corev1.NodeSelectorOpIn, Values: []string{node},
		}
	}
	pv.Spec.NodeAffinity = &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{term}}}

	_, err = client.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	if err == nil {
		klog.Infof("provisioned %s (%s) for %s/%s", pv.Name, size.String(), pvc.Namespace, pvc.Name)
	}
	return err
}

func reclaim(ctx context.Context, client kubernetes.Interface, pv *corev1.PersistentVolume, name string) error {
	if pv.Annotations[annProvisionedBy] != name || pv.DeletionTimestamp != nil ||
		pv.Status.Phase != corev1.VolumeReleased || pv.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimDelete {
		return nil
	}
	err := client.CoreV1().PersistentVolumes().Delete(ctx, pv.Name, metav1.DeleteOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err == nil {
		klog.Infof("deleted released volume %s", pv.Name)
	}
	return err
}
